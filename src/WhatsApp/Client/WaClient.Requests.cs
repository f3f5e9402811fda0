using CodeChat.WhatsApp.Binary;

namespace CodeChat.WhatsApp.Client;

// Concern: sending on the current connection and correlating iq answers (whatsmeow's request.go).
// Every feature sends through here, so the id assignment, timeout and error mapping live once.
public sealed partial class WaClient
{
    /// <summary>Sends a node on the current connection.</summary>
    public async Task SendNodeAsync(Node node, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        await session.Connection.SendAsync(node, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an iq (assigning an id when it has none) and waits for the answer.
    /// Throws <see cref="WaIqException"/> for an error answer, <see cref="TimeoutException"/> after
    /// <see cref="WaClientOptions.IqTimeout"/>, <see cref="WaClientException"/> when the connection drops.
    /// </summary>
    public Task<Node> SendIqAsync(Node iq, CancellationToken cancellationToken = default) =>
        SendIqAsync(iq, _options.IqTimeout, cancellationToken);

    public async Task<Node> SendIqAsync(Node iq, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var session = Volatile.Read(ref _session) ?? throw new WaClientException("Not connected.");
        var id = iq.GetAttribute("id");
        if (id is null)
        {
            id = _iq.NextId();
            iq = new Node(iq.Tag, [new("id", id), .. iq.Attributes], iq.Content);
        }
        var answer = _iq.Register(id);
        try
        {
            await session.Connection.SendAsync(iq, cancellationToken).ConfigureAwait(false);
            var response = await answer.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            if (response.GetAttribute("type") == "error")
            {
                var error = response.GetChild("error");
                throw new WaIqException(error?.GetInt32("code") ?? 0, error?.GetAttribute("text"));
            }
            return response;
        }
        catch (Exception exception) when (exception is not WaIqException)
        {
            _iq.Forget(id);
            if (exception is TimeoutException or OperationCanceledException or WaClientException)
            {
                throw;
            }
            throw new WaClientException("The iq could not be sent.", exception);
        }
    }
}
