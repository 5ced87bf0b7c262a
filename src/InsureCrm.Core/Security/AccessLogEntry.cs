using InsureCrm.Core.Common;

namespace InsureCrm.Core.Security;

/// <summary>
/// What was done with personal data (PIPA safeguard standard: view, change, insert, delete, print, download), and
/// <see cref="Denied"/>: an attempt on a customer id the user may not reach (outside the scope, merged away or unknown),
/// answered like an unknown id and recorded so that a reviewer sees ids being probed.
/// </summary>
public enum AccessAction { View, Search, Change, Insert, Delete, Print, Download, Unmask, Export, Erase, Denied }

/// <summary>
/// One access to personal data. Append-only and tamper-evident: <see cref="Hash"/> is an HMAC-SHA256, under
/// a key kept outside the database (<see cref="AccessLogKey"/>), of the previous entry's hash, this entry's
/// position and its fields, so editing, removing or inserting a row breaks the chain and cannot be covered
/// up by recomputing it. Entries written before the keyed chain (<see cref="Seq"/> null) keep their
/// SHA-256 hashes up to the signed switch-over (<see cref="AccessLogSeal"/>).
/// </summary>
public sealed class AccessLogEntry : IAppendOnly
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public long? UserId { get; set; }
    public string UserName { get; set; } = "";
    public Role Role { get; set; }
    public string Ip { get; set; } = "";
    public long? CustomerId { get; set; }
    public AccessAction Action { get; set; }
    /// <summary>Why (required for downloads, unmasking and call-center access).</summary>
    public string? Reason { get; set; }
    /// <summary>What was touched, without personal data: a route, a field list, a file name, a row count.</summary>
    public string? Detail { get; set; }
    /// <summary>Position in the chain since the log began, purged entries included (1, 2, …); null before the keyed chain.</summary>
    public long? Seq { get; set; }
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>An access to record; the log fills in time, user and chain.</summary>
public sealed record AccessEvent(AccessAction Action, long? CustomerId, string? Reason = null, string? Detail = null);

/// <summary>The access log every use of personal data writes to.</summary>
public interface IAccessLog
{
    /// <summary>Records the access for <paramref name="user"/>; it is committed before this returns.</summary>
    Task RecordAsync(CrmUser user, AccessEvent access, CancellationToken ct = default);

    /// <summary>Records several accesses (e.g. one per customer of a search page) in one write.</summary>
    Task RecordManyAsync(CrmUser user, IReadOnlyList<AccessEvent> accesses, CancellationToken ct = default);
}
