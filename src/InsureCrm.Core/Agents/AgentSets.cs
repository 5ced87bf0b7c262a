using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Agents;

/// <summary>The agent tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class AgentSets
{
    extension(CrmDbContext db)
    {
        public DbSet<Branch> Branches => db.Set<Branch>();
        public DbSet<Agent> Agents => db.Set<Agent>();
    }
}
