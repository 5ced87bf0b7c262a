using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Security;

/// <summary>
/// Where the access-log chain starts after a retention purge: the hash of the last purged entry, which
/// the first remaining entry names as its previous hash. Append-only, like the log itself.
/// </summary>
public sealed class AccessLogAnchor : IAppendOnly
{
    public long Id { get; set; }
    /// <summary>When the purge ran.</summary>
    public DateTime At { get; set; }
    /// <summary>The id of the last purged entry; entries up to it are gone.</summary>
    public long PurgedThroughId { get; set; }
    public long PurgedCount { get; set; }
    /// <summary>Hash of the last purged entry: the previous hash of the next one.</summary>
    public string Hash { get; set; } = "";
}

internal sealed class AccessLogAnchorConfiguration : IEntityTypeConfiguration<AccessLogAnchor>
{
    public void Configure(EntityTypeBuilder<AccessLogAnchor> b)
    {
        b.Property(p => p.Hash).HasMaxLength(64);
    }
}
