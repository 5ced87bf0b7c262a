namespace InsureCrm.Core.Common;

/// <summary>
/// An editable record guarded by optimistic concurrency: every save increments <see cref="Version"/>,
/// and a save that carries a stale version is refused instead of overwriting someone else's edit.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}

/// <summary>A record that is only ever inserted (contact history, status history, audit trails).</summary>
public interface IAppendOnly;
