namespace CodeChat.WaEmulator.Model;

/// <summary>
/// One ciphertext a companion addressed to a simulated phone, and what the phone made of it without
/// decrypting (<see cref="SimulatedPhone.Inspect"/>): null <see cref="Rejection"/> means a real phone
/// would get as far as decrypting it.
/// </summary>
/// <param name="FromDevice">The sending companion (PN device JID).</param>
/// <param name="Id">The message id.</param>
/// <param name="OwnDevice">True when the sender is a companion of the phone's own account (own-device fan-out).</param>
/// <param name="EncType">pkmsg or msg.</param>
/// <param name="Rejection">Why the phone could not even start decrypting, or null.</param>
public sealed record PhoneCopy(string FromDevice, string Id, bool OwnDevice, string EncType, string? Rejection);
