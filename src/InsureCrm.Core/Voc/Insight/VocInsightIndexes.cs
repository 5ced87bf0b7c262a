using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>The indexes the dashboard, the digest and the orphan complaint record read by (migration 0042).</summary>
internal sealed class VocInsightIndexes : IEntityTypeConfiguration<VocCase>
{
    public void Configure(EntityTypeBuilder<VocCase> b)
    {
        b.HasIndex(p => p.ReceivedAt);
        b.HasIndex(p => new { p.AgentId, p.ReceivedAt });
    }
}
