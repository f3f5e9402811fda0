namespace CodeChat.WaEmulator.Protocol;

/// <summary>A participant's standing in a group; the wire names are "admin" and "superadmin" (plain members carry no type).</summary>
public enum GroupRole
{
    Member,
    Admin,
    SuperAdmin,
}
