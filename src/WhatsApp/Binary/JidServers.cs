namespace CodeChat.WhatsApp.Binary;

/// <summary>Well-known JID servers (whatsapp-protocol.md §3.5; whatsmeow types/jid.go, Baileys jid-utils.ts).</summary>
public static class JidServers
{
    /// <summary>Phone-number ("PN") users.</summary>
    public const string User = "s.whatsapp.net";
    /// <summary>LID (hidden, phone-number-free) users.</summary>
    public const string Lid = "lid";
    public const string Group = "g.us";
    /// <summary>Legacy user server; still seen in some stanzas and in the TypeScript gateway's API.</summary>
    public const string LegacyUser = "c.us";
    public const string Broadcast = "broadcast";
    public const string Newsletter = "newsletter";
    public const string Hosted = "hosted";
    public const string HostedLid = "hosted.lid";
    public const string Bot = "bot";
    public const string Messenger = "msgr";
    public const string Interop = "interop";
    public const string Call = "call";

    /// <summary>True for servers this library knows by name.</summary>
    public static bool IsKnown(string server) => server switch
    {
        User or Lid or Group or LegacyUser or Broadcast or Newsletter or Hosted or HostedLid or Bot or Messenger
            or Interop or Call => true,
        _ => false,
    };
}
