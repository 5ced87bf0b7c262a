using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Contact;

/// <summary>
/// Marketing consent for one channel as given or withdrawn at one time; the newest row per channel is in
/// force. Rows are never updated so that an opt-out is never lost.
/// </summary>
public sealed class MarketingConsent : IAppendOnly
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public ContactChannel Channel { get; set; }
    public bool Granted { get; set; }
    /// <summary>Consent to messages between 21:00 and 08:00 (separate by law).</summary>
    public bool NightTimeAllowed { get; set; }
    /// <summary>Where the consent was captured: branch, web, call-center, paper, import.</summary>
    public string Source { get; set; } = "";
    public DateTime RecordedAt { get; set; }
    public DateOnly EffectiveFrom { get; set; }
    public DateOnly? ExpiresOn { get; set; }
}

internal sealed class MarketingConsentConfiguration : IEntityTypeConfiguration<MarketingConsent>
{
    public void Configure(EntityTypeBuilder<MarketingConsent> b)
    {
        b.Property(p => p.Source).HasMaxLength(40);
        b.HasIndex(p => p.CustomerId);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId);
    }
}
