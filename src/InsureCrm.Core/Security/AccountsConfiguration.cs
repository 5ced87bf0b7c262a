using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Security;

/// <summary>The account columns of app_user that sign-in needs (migration 0004); the rest is in ModelConfiguration.</summary>
internal sealed class AppUserAccountConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(p => p.NormalizedUserName).HasMaxLength(60);
        b.Property(p => p.SecurityStamp).HasMaxLength(64);
        b.Property(p => p.ConcurrencyStamp).HasMaxLength(64);
        b.HasIndex(p => p.NormalizedUserName).IsUnique();
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(32).ValueGeneratedNever();
        b.Property(p => p.Ip).HasMaxLength(45);
        b.Property(p => p.UserAgent).HasMaxLength(200);
        b.HasIndex(p => p.UserId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(p => p.UserId);
    }
}

internal sealed class AccessRightChangeConfiguration : IEntityTypeConfiguration<AccessRightChange>
{
    public void Configure(EntityTypeBuilder<AccessRightChange> b)
    {
        b.Property(p => p.ActorUserName).HasMaxLength(60);
        b.Property(p => p.TargetUserName).HasMaxLength(60);
        b.Property(p => p.Detail).HasMaxLength(500);
        b.HasIndex(p => p.At);
        b.HasIndex(p => new { p.TargetUserId, p.At });
    }
}

/// <summary>Registration of accounts, sessions and access-right administration.</summary>
internal static class AccountsServiceCollectionExtensions
{
    public static IServiceCollection AddCrmAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UserSessionOptions>().Configure(o => configuration.GetSection(UserSessionOptions.Section).Bind(o)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccessRightsOptions>().Configure(o => configuration.GetSection(AccessRightsOptions.Section).Bind(o)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<UserSessions>().AddScoped<AccountAdmin>().AddScoped<AccountFigures>();
        return services;
    }
}
