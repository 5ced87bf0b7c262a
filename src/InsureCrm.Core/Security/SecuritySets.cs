using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Security;

/// <summary>The security tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class SecuritySets
{
    extension(CrmDbContext db)
    {
        public DbSet<AppUser> Users => db.Set<AppUser>();
        public DbSet<AccessLogEntry> AccessLog => db.Set<AccessLogEntry>();
    }
}
