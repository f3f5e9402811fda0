namespace CodeChat.WhatsApp.Pairing;

/// <summary>
/// The companion's client type as the QR string and the pairing-code hello carry it
/// (whatsapp-protocol.md §4.2; whatsmeow <c>PairClientType</c>). The wire form is the value as one
/// lower-case hex digit, so <see cref="MacOs"/> is "c" and <see cref="Android"/> is "e".
/// </summary>
public enum CompanionClientType
{
    Unknown = 0,
    Chrome = 1,
    Edge = 2,
    Firefox = 3,
    InternetExplorer = 4,
    Opera = 5,
    Safari = 6,
    Electron = 7,
    Uwp = 8,
    OtherWebClient = 9,
    MacOs = 0xC,
    Android = 0xE,
}
