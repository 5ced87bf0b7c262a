using System.Text;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Imports;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Common;

/// <summary>
/// The operational database. Table and column names are snake_case on both providers so that the
/// versioned SQL scripts, raw bulk paths and the EF model speak the same names.
/// </summary>
public sealed class CrmDbContext(DbContextOptions<CrmDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerPhone> CustomerPhones => Set<CustomerPhone>();
    public DbSet<CustomerEmail> CustomerEmails => Set<CustomerEmail>();
    public DbSet<CustomerAddress> CustomerAddresses => Set<CustomerAddress>();
    public DbSet<CustomerSourceKey> CustomerSourceKeys => Set<CustomerSourceKey>();
    public DbSet<Household> Households => Set<Household>();
    public DbSet<HouseholdMember> HouseholdMembers => Set<HouseholdMember>();
    public DbSet<CustomerRelationship> CustomerRelationships => Set<CustomerRelationship>();
    public DbSet<MarketingConsent> MarketingConsents => Set<MarketingConsent>();
    public DbSet<IdentityMerge> IdentityMerges => Set<IdentityMerge>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Contract> Contracts => Set<Contract>();
    public DbSet<ContractRole> ContractRoles => Set<ContractRole>();
    public DbSet<ContractRider> ContractRiders => Set<ContractRider>();
    public DbSet<ContractStatusChange> ContractStatusChanges => Set<ContractStatusChange>();
    public DbSet<Loan> Loans => Set<Loan>();
    public DbSet<Claim> Claims => Set<Claim>();
    public DbSet<Branch> Branches => Set<Branch>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Interaction> Interactions => Set<Interaction>();
    public DbSet<AppUser> Users => Set<AppUser>();
    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(24);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 2);
        configurationBuilder.Properties<string>().HaveMaxLength(200);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            entity.SetTableName(SnakeCase(entity.ClrType.Name));
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName("pk_" + entity.GetTableName());
            }
            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName($"fk_{entity.GetTableName()}_{string.Join('_', fk.Properties.Select(p => SnakeCase(p.Name)))}");
            }
            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName($"ix_{entity.GetTableName()}_{string.Join('_', index.Properties.Select(p => SnakeCase(p.Name)))}");
            }
            if (typeof(IVersioned).IsAssignableFrom(entity.ClrType))
            {
                entity.FindProperty(nameof(IVersioned.Version))!.IsConcurrencyToken = true;
            }
        }

        if (IsPostgres)
        {
            // Byte-order collation lets the (name, id) index serve prefix search and keyset paging.
            modelBuilder.Entity<Customer>().Property(c => c.Name).UseCollation("C");
            // Hashes, keys and digits need no language-aware ordering; "C" halves their index build time.
            modelBuilder.Entity<Customer>().Property(c => c.RrnHash).UseCollation("C");
            modelBuilder.Entity<CustomerSourceKey>().Property(k => k.SourceId).UseCollation("C");
            modelBuilder.Entity<CustomerPhone>().Property(p => p.Number).UseCollation("C");
            // PostgreSQL 15 has only stored generated columns.
            modelBuilder.Entity<CustomerPhone>().Property(p => p.NumberLast4).UseCollation("C")
                .HasComputedColumnSql("substr(number, length(number) - 3)", stored: true);
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void PrepareSave()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is IAppendOnly && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException($"{entry.Entity.GetType().Name} is append-only: add a new record instead.");
            }
            if (entry.Entity is IVersioned versioned && entry.State == EntityState.Modified)
            {
                versioned.Version++;
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
