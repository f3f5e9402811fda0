using System.Collections.Concurrent;
using System.Globalization;
using CodeChat.WhatsApp.Client;

namespace CodeChat.WaEmulator.Protocol;

/// <summary>
/// WhatsApp's check of the claimed WhatsApp Web version (whatsapp-protocol.md §2.7, §5.1, pitfall P2): a
/// client below <see cref="Minimum"/> gets <c>&lt;failure reason="405"/&gt;</c> instead of login or pairing.
/// <see cref="Current"/> is what the service worker (<c>/sw.js</c> on the HTTPS host) announces, as
/// web.whatsapp.com's does. Both change at run time, so a test can play "WhatsApp raised the minimum".
/// </summary>
public sealed class ClientVersionGate
{
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<OutdatedClientRefusal> _refusals = new();
    private WhatsAppWebVersion? _minimum;
    private WhatsAppWebVersion _current;
    private int _serviceWorkerFetches;

    internal ClientVersionGate(WaEmulatorOptions options)
    {
        _minimum = options.MinimumClientVersion;
        _current = options.CurrentClientVersion ?? WhatsAppWebVersion.Default;
    }

    /// <summary>Lowest version admitted; null admits every version.</summary>
    public WhatsAppWebVersion? Minimum
    {
        get { lock (_gate) return _minimum; }
    }

    /// <summary>The version the service worker names.</summary>
    public WhatsAppWebVersion Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>Every connection refused with 405 so far, oldest first.</summary>
    public IReadOnlyList<OutdatedClientRefusal> Refusals => [.. _refusals];

    /// <summary>How often <c>/sw.js</c> was read.</summary>
    public int ServiceWorkerFetches => Volatile.Read(ref _serviceWorkerFetches);

    /// <summary>Changes the minimum and/or the announced version (null leaves that one as it is).</summary>
    public void Set(WhatsAppWebVersion? minimum, WhatsAppWebVersion? current)
    {
        lock (_gate)
        {
            _minimum = minimum ?? _minimum;
            _current = current ?? _current;
        }
    }

    /// <summary>Admits everything again.</summary>
    public void ClearMinimum()
    {
        lock (_gate) _minimum = null;
    }

    internal bool Admits(WhatsAppWebVersion claimed, long connectionId)
    {
        var minimum = Minimum;
        if (minimum is null || claimed >= minimum.Value)
        {
            return true;
        }
        _refusals.Enqueue(new OutdatedClientRefusal(connectionId, claimed.ToString(), minimum.Value.ToString(), DateTimeOffset.UtcNow));
        return false;
    }

    /// <summary>
    /// The service-worker script. web.whatsapp.com's sw.js carries its site data as JSON inside a JavaScript
    /// string (so the quotes arrive escaped), with <c>client_revision</c> among it; Baileys'
    /// <c>fetchLatestWaWebVersion</c> regex allows for exactly that. The version is 2.3000.&lt;client_revision&gt;.
    /// </summary>
    internal string ServiceWorkerScript()
    {
        Interlocked.Increment(ref _serviceWorkerFetches);
        var revision = Current.Tertiary.ToString(CultureInfo.InvariantCulture);
        return "/*FB_PKG_DELIM*/\n\"use strict\";\n" +
               "self.__swData=JSON.parse(/*BTDS*/\"{\\\"dynamic_data\\\":{\\\"SiteData\\\":{\\\"server_revision\\\":" + revision +
               ",\\\"client_revision\\\":" + revision + ",\\\"push_phase\\\":\\\"C3\\\"}}}\");\n" +
               "self.addEventListener(\"fetch\",function(){});\n";
    }
}

/// <summary>One login or registration the emulator refused with 405.</summary>
public sealed record OutdatedClientRefusal(long ConnectionId, string Claimed, string Minimum, DateTimeOffset At);
