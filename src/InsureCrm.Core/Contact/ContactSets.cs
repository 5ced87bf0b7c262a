using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Contact;

/// <summary>The consent table of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class ContactSets
{
    extension(CrmDbContext db)
    {
        public DbSet<MarketingConsent> MarketingConsents => db.Set<MarketingConsent>();
    }
}
