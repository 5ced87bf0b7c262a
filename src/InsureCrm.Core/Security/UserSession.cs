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

/// <summary>A session as its owner sees it on the sessions page.</summary>
public sealed record SessionInfo(string Id, DateTime CreatedAt, DateTime LastSeenAt, string Ip, string UserAgent);

/// <summary>The outcome of checking a session cookie against its row.</summary>
public enum SessionCheck { Valid, Unknown, Ended, Idle, Expired, StampChanged, Inactive }
