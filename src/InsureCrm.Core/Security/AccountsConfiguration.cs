using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

internal sealed class SessionSeenConfiguration : IEntityTypeConfiguration<SessionSeen>
{
    public void Configure(EntityTypeBuilder<SessionSeen> b)
    {
        b.HasKey(p => p.SessionId);
        b.Property(p => p.SessionId).HasMaxLength(32).ValueGeneratedNever();
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
