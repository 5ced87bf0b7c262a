using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Identity;

/// <summary>The merge table of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class IdentitySets
{
    extension(CrmDbContext db)
    {
        public DbSet<IdentityMerge> IdentityMerges => db.Set<IdentityMerge>();
    }
}
