using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Security;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.ToTable("app_user");
        b.Property(p => p.UserName).HasMaxLength(60);
        b.Property(p => p.DisplayName).HasMaxLength(100);
        b.Property(p => p.PasswordHash).HasMaxLength(200);
        b.HasIndex(p => p.UserName).IsUnique();
    }
}

internal sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    public void Configure(EntityTypeBuilder<AccessLogEntry> b)
    {
        b.Property(p => p.UserName).HasMaxLength(60);
        b.Property(p => p.Ip).HasMaxLength(45);
        b.Property(p => p.Reason).HasMaxLength(500);
        b.Property(p => p.Detail).HasMaxLength(500);
        b.Property(p => p.PrevHash).HasMaxLength(64);
        b.Property(p => p.Hash).HasMaxLength(64);
        b.HasIndex(p => p.At);
        b.HasIndex(p => new { p.CustomerId, p.At });
        b.HasIndex(p => new { p.UserName, p.At });
    }
}
