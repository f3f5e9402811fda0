namespace CodeChat.Grains.Abstractions.Instances;

/// <summary>How a connect request ended (codechat-api.md §3, GET /instance/connect).</summary>
[GenerateSerializer]
[Alias("CodeChat.ConnectResult")]
public sealed record ConnectResult(
    [property: Id(0)] ConnectOutcome Outcome,
    [property: Id(1)] InstanceQrCode? QrCode,
    [property: Id(2)] InstanceConnectionView? Connection)
{
    public static ConnectResult Of(ConnectOutcome outcome) => new(outcome, null, null);
}

[GenerateSerializer]
[Alias("CodeChat.ConnectOutcome")]
public enum ConnectOutcome
{
    /// <summary>A new session started; wait for its first code with <see cref="IInstanceSessionGrain.WaitForCodeAsync"/>.</summary>
    Started = 0,
    /// <summary>A session was already connecting; <see cref="ConnectResult.QrCode"/> is its current QR object.</summary>
    Connecting = 1,
    NotFound = 2,
    /// <summary>The session is open: CodeChat answers 400 "Instance already connected".</summary>
    AlreadyOpen = 3,
    /// <summary>The session could not start (e.g. another silo owns it); <see cref="ConnectResult.Connection"/> says the state.</summary>
    NotStarted = 4,
}
