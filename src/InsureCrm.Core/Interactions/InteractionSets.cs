using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Interactions;

/// <summary>The interaction tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class InteractionSets
{
    extension(CrmDbContext db)
    {
        public DbSet<Interaction> Interactions => db.Set<Interaction>();
    }
}
