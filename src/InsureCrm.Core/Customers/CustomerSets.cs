using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Customers;

/// <summary>The customer tables of <see cref="CrmDbContext"/>, declared in the feature so that Common knows none.</summary>
public static class CustomerSets
{
    extension(CrmDbContext db)
    {
        public DbSet<Customer> Customers => db.Set<Customer>();
        public DbSet<CustomerPhone> CustomerPhones => db.Set<CustomerPhone>();
        public DbSet<CustomerEmail> CustomerEmails => db.Set<CustomerEmail>();
        public DbSet<CustomerAddress> CustomerAddresses => db.Set<CustomerAddress>();
        public DbSet<CustomerSourceKey> CustomerSourceKeys => db.Set<CustomerSourceKey>();
        public DbSet<Household> Households => db.Set<Household>();
        public DbSet<HouseholdMember> HouseholdMembers => db.Set<HouseholdMember>();
        public DbSet<CustomerRelationship> CustomerRelationships => db.Set<CustomerRelationship>();
    }
}
