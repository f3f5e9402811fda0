namespace CodeChat.Api.Cluster;

/// <summary>
/// The Orleans settings cannot run safely or at all (an insecure cluster, a missing or unusable
/// certificate). The message names the setting to change; the hosts print it as the one start-up error.
/// </summary>
public sealed class ClusterConfigurationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
