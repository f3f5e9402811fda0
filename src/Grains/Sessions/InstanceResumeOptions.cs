namespace CodeChat.Grains.Sessions;

/// <summary>
/// Configuration section "Instances": how a starting silo resumes the sessions of the instances
/// wanted connected.
/// </summary>
public sealed class InstanceResumeOptions
{
    public const string SectionName = "Instances";

    /// <summary>
    /// How many instances resume at once after a start (default 32). One at a time made a
    /// reconnect storm of 1,000 instances take minutes; unbounded would open every socket and
    /// database connection at the same moment. Each resume is still fenced by its session epoch.
    /// </summary>
    public int ResumeParallelism { get; set; } = 32;
}
