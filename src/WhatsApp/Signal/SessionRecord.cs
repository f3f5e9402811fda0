using CodeChat.WhatsApp.Signal.Proto;
using Google.Protobuf;

namespace CodeChat.WhatsApp.Signal;

/// <summary>
/// Everything we keep for one peer address: the current session and recently archived ones
/// (whatsapp-protocol.md §6.6). A peer that re-installs, or that sent several pkmsgs before our
/// reply, may still use an archived session; decryption tries the current one first, then the
/// archived ones, and promotes the one that works (libsignal-java <c>SessionRecord.promoteState</c>).
/// Stored as <see cref="RecordStructure"/> bytes (Proto/SignalSessionRecord.proto).
/// </summary>
public sealed class SessionRecord
{
    /// <summary>Archived sessions kept per address (libsignal-node <c>CLOSED_SESSIONS_MAX</c>).</summary>
    public const int MaxArchivedStates = 40;

    private readonly List<SessionState> _previousStates;

    public SessionRecord()
    {
        _previousStates = [];
    }

    private SessionRecord(SessionState? current, List<SessionState> previous)
    {
        CurrentState = current;
        _previousStates = previous;
    }

    /// <summary>The session new messages are encrypted with; null for a fresh record.</summary>
    public SessionState? CurrentState { get; private set; }

    /// <summary>Archived sessions, most recently archived first.</summary>
    public IReadOnlyList<SessionState> PreviousStates => _previousStates;

    /// <summary>True when the record holds no session at all.</summary>
    public bool IsEmpty => CurrentState is null && _previousStates.Count == 0;

    /// <summary>The state (current or archived) created from the peer's base key <paramref name="baseKey33"/>.</summary>
    public SessionState? FindStateByTheirBaseKey(ReadOnlySpan<byte> baseKey33)
    {
        if (CurrentState is { BaseKeyIsOurs: false } current && current.BaseKey.Span.SequenceEqual(baseKey33))
        {
            return current;
        }
        foreach (var state in _previousStates)
        {
            if (!state.BaseKeyIsOurs && state.BaseKey.Span.SequenceEqual(baseKey33))
            {
                return state;
            }
        }
        return null;
    }

    /// <summary>Makes <paramref name="state"/> current, archiving the previous current state.</summary>
    public void PromoteState(SessionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (ReferenceEquals(state, CurrentState))
        {
            return;
        }
        _previousStates.Remove(state);
        if (CurrentState is not null)
        {
            _previousStates.Insert(0, CurrentState);
        }
        CurrentState = state;
        TrimArchive();
    }

    /// <summary>Archives the current state, so that the next encrypt needs a new session.</summary>
    public void ArchiveCurrentState()
    {
        if (CurrentState is null)
        {
            return;
        }
        _previousStates.Insert(0, CurrentState);
        CurrentState = null;
        TrimArchive();
    }

    /// <summary>Replaces the state at <paramref name="archiveIndex"/> (trial decryption worked on a copy).</summary>
    internal void ReplaceArchivedState(int archiveIndex, SessionState state) => _previousStates[archiveIndex] = state;

    internal void ReplaceCurrentState(SessionState state) => CurrentState = state;

    /// <summary>
    /// Drops every session whose peer identity differs from <paramref name="identity33"/>: the peer
    /// re-installed (new identity), so the old sessions can never be used again (whatsmeow deletes
    /// the sessions of an address whose identity changed, <c>clearUntrustedIdentity</c>).
    /// </summary>
    /// <returns>True when something was removed.</returns>
    public bool RemoveStatesOfOtherIdentities(ReadOnlySpan<byte> identity33)
    {
        var removed = false;
        if (CurrentState is not null && !CurrentState.RemoteIdentitySignal33.SequenceEqual(identity33))
        {
            CurrentState = null;
            removed = true;
        }
        for (var i = _previousStates.Count - 1; i >= 0; i--)
        {
            if (!_previousStates[i].RemoteIdentitySignal33.SequenceEqual(identity33))
            {
                _previousStates.RemoveAt(i);
                removed = true;
            }
        }
        return removed;
    }

    public byte[] Serialize()
    {
        var structure = new RecordStructure();
        if (CurrentState is not null)
        {
            structure.CurrentSession = CurrentState.Structure;
        }
        foreach (var state in _previousStates)
        {
            structure.PreviousSessions.Add(state.Structure);
        }
        return structure.ToByteArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a session record.</exception>
    public static SessionRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        RecordStructure structure;
        try
        {
            structure = RecordStructure.Parser.ParseFrom(serialized);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The stored Signal session record is malformed.", e);
        }
        var current = structure.CurrentSession is null ? null : new SessionState(structure.CurrentSession);
        var previous = structure.PreviousSessions.Select(s => new SessionState(s)).ToList();
        return new SessionRecord(current, previous);
    }

    private void TrimArchive()
    {
        if (_previousStates.Count > MaxArchivedStates)
        {
            _previousStates.RemoveRange(MaxArchivedStates, _previousStates.Count - MaxArchivedStates);
        }
    }
}
