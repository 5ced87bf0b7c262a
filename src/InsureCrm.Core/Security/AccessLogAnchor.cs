using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Security;

/// <summary>
/// Where the access-log chain starts after a retention purge: the hash of the last purged entry, which
/// the first remaining entry names as its previous hash. Append-only, like the log itself, and signed
/// with the access-log key, so nobody without the key can delete the first entries and pose as a purge.
/// </summary>
public sealed class AccessLogAnchor : IAppendOnly
{
    public long Id { get; set; }
    /// <summary>When the purge ran.</summary>
    public DateTime At { get; set; }
    /// <summary>The id of the last purged entry; entries up to it are gone.</summary>
    public long PurgedThroughId { get; set; }
    public long PurgedCount { get; set; }
    /// <summary>Position of the last purged entry in the chain; null when it was written before the keyed chain (not its head).</summary>
    public long? Seq { get; set; }
    /// <summary>Hash of the last purged entry: the previous hash of the next one.</summary>
    public string Hash { get; set; } = "";
    /// <summary>HMAC of the anchor's fields under the access-log key; null on anchors of purges before the keyed chain (the seal names the last of them).</summary>
    public string? Signature { get; set; }
}

/// <summary>
/// The switch-over to the keyed chain of a log that had entries before it (migration 0016): entries up to
/// <see cref="LegacyThroughId"/> keep their SHA-256 chain, which must end in <see cref="LegacyHash"/>, and the
/// first keyed entry follows it as number <see cref="LegacyEntries"/> + 1. Written once, in the migration's
/// transaction, by the process that holds the key, and signed; without it every entry must be keyed.
/// </summary>
public sealed class AccessLogSeal : IAppendOnly
{
    public long Id { get; set; }
    public long LegacyThroughId { get; set; }
    /// <summary>Entries written before the keyed chain, purged ones included.</summary>
    public long LegacyEntries { get; set; }
    public string LegacyHash { get; set; } = "";
    /// <summary>The last purge anchor at the switch-over (unsigned, from before it), if any.</summary>
    public long? AnchorId { get; set; }
    public string? AnchorHash { get; set; }
    public string Signature { get; set; } = "";
}

internal sealed class AccessLogAnchorConfiguration : IEntityTypeConfiguration<AccessLogAnchor>
{
    public void Configure(EntityTypeBuilder<AccessLogAnchor> b)
    {
        b.Property(p => p.Hash).HasMaxLength(64);
        b.Property(p => p.Signature).HasMaxLength(64);
    }
}

internal sealed class AccessLogSealConfiguration : IEntityTypeConfiguration<AccessLogSeal>
{
    public void Configure(EntityTypeBuilder<AccessLogSeal> b)
    {
        b.Property(p => p.LegacyHash).HasMaxLength(64);
        b.Property(p => p.AnchorHash).HasMaxLength(64);
        b.Property(p => p.Signature).HasMaxLength(64);
    }
}
