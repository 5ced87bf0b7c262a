namespace InsureCrm.Core.Security;

/// <summary>Why a session ended.</summary>
public enum SessionEndReason { Logout, Idle, Expired, EndedByUser, Revoked }

/// <summary>
/// One signed-in session of a user. The id is a random 128-bit token, carried inside the (encrypted)
/// sign-in cookie; a new one is issued at every login so that a session id planted before login is
/// worthless. The server-side row is what makes idle and absolute expiry, logout and "end my other
/// sessions" effective: a cookie whose row has ended no longer signs anyone in.
/// </summary>
public sealed class UserSession
{
    public string Id { get; set; } = "";
    public long UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public SessionEndReason? EndReason { get; set; }
    public string Ip { get; set; } = "";
    public string UserAgent { get; set; } = "";
}

/// <summary>
/// When a session was last used, once it has been used after its login (session_seen, migration 0044; the session check
/// writes it at most once per <c>Security:Sessions:TouchInterval</c>). Apart from <see cref="UserSession"/> so that this
/// write, the only one of a session in use, goes where it costs the readers nothing: the SQLite access log's file.
/// <see cref="UserSession.LastSeenAt"/> stays the login time until then.
/// </summary>
public sealed class SessionSeen
{
    public string SessionId { get; set; } = "";
    public DateTime LastSeenAt { get; set; }
}

/// <summary>A session as its owner sees it on the sessions page.</summary>
public sealed record SessionInfo(string Id, DateTime CreatedAt, DateTime LastSeenAt, string Ip, string UserAgent);

/// <summary>The outcome of checking a session cookie against its row.</summary>
public enum SessionCheck { Valid, Unknown, Ended, Idle, Expired, StampChanged, Inactive }
