using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Policies;

/// <summary>The policy tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class PolicySets
{
    extension(CrmDbContext db)
    {
        public DbSet<Product> Products => db.Set<Product>();
        public DbSet<Contract> Contracts => db.Set<Contract>();
        public DbSet<ContractRole> ContractRoles => db.Set<ContractRole>();
        public DbSet<ContractRider> ContractRiders => db.Set<ContractRider>();
        public DbSet<ContractStatusChange> ContractStatusChanges => db.Set<ContractStatusChange>();
        public DbSet<Loan> Loans => db.Set<Loan>();
        public DbSet<Claim> Claims => db.Set<Claim>();
    }
}
