using System.Globalization;
using System.Security.Claims;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InsureCrm.Web.Security;

/// <summary>
/// ASP.NET Core Identity over our <c>app_user</c> table: passwords (PBKDF2 hashes of Core's
/// <see cref="PasswordHashing"/>), security stamps and lockout. Roles are not an Identity store concern:
/// they change only through <see cref="AccountAdmin"/>, which records every change, and reach the cookie
/// as a role claim.
/// </summary>
internal sealed class CrmUserStore(CrmDbContext db, SessionCheckCache sessionChecks) :
    IUserPasswordStore<AppUser>, IUserSecurityStampStore<AppUser>, IUserLockoutStore<AppUser>
{
    public async Task<IdentityResult> CreateAsync(AppUser user, CancellationToken cancellationToken)
    {
        user.ConcurrencyStamp = AppUser.NewStamp();
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return IdentityResult.Success;
    }

    public async Task<IdentityResult> UpdateAsync(AppUser user, CancellationToken cancellationToken)
    {
        user.ConcurrencyStamp = AppUser.NewStamp();
        if (db.Entry(user).State == EntityState.Detached)
        {
            db.Users.Update(user);
        }
        // The stamp may have changed (password change): sessions remembered as valid are read again, also those
        // checked while this write was under way.
        sessionChecks.Invalidate();
        await db.SaveChangesAsync(cancellationToken);
        sessionChecks.Invalidate();
        return IdentityResult.Success;
    }

    /// <summary>Accounts are deactivated, never deleted: their history must stay attributable.</summary>
    public Task<IdentityResult> DeleteAsync(AppUser user, CancellationToken cancellationToken) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = "DeleteNotSupported", Description = "Accounts are deactivated, not deleted." }));

    public Task<AppUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        long.TryParse(userId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken)
            : Task.FromResult<AppUser?>(null);

    public Task<AppUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        db.Users.FirstOrDefaultAsync(u => u.NormalizedUserName == normalizedUserName, cancellationToken);

    public Task<string?> GetNormalizedUserNameAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.NormalizedUserName);

    public Task<string> GetUserIdAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id.ToString(CultureInfo.InvariantCulture));

    public Task<string?> GetUserNameAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetNormalizedUserNameAsync(AppUser user, string? normalizedName, CancellationToken cancellationToken)
    {
        user.NormalizedUserName = normalizedName ?? AppUser.Normalize(user.UserName);
        return Task.CompletedTask;
    }

    public Task SetUserNameAsync(AppUser user, string? userName, CancellationToken cancellationToken)
    {
        user.UserName = userName ?? "";
        return Task.CompletedTask;
    }

    public Task SetPasswordHashAsync(AppUser user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash ?? "";
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(AppUser user, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(user.PasswordHash.Length == 0 ? null : user.PasswordHash);

    public Task<bool> HasPasswordAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash.Length > 0);

    public Task SetSecurityStampAsync(AppUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(AppUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.LockoutEnd is { } end ? new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)) : (DateTimeOffset?)null);

    public Task SetLockoutEndDateAsync(AppUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockoutEnd = lockoutEnd?.UtcDateTime;
        return Task.CompletedTask;
    }

    /// <summary>Counted in SQL, so parallel wrong passwords cannot overwrite each other's count.</summary>
    public async Task<int> IncrementAccessFailedCountAsync(AppUser user, CancellationToken cancellationToken)
    {
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1), cancellationToken);
        var count = await db.Users.Where(u => u.Id == user.Id).Select(u => u.AccessFailedCount).SingleAsync(cancellationToken);
        user.AccessFailedCount = count;
        if (db.Entry(user).State != EntityState.Detached)
        {
            db.Entry(user).Property(u => u.AccessFailedCount).OriginalValue = count;
        }
        return count;
    }

    public Task ResetAccessFailedCountAsync(AppUser user, CancellationToken cancellationToken)
    {
        user.AccessFailedCount = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(AppUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnabled);

    public Task SetLockoutEnabledAsync(AppUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.LockoutEnabled = enabled;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // The context belongs to the request scope.
    }
}

/// <summary>
/// Identity's user manager with lockout on <see cref="TimeProvider"/> (Identity itself reads the wall
/// clock), so lockout windows follow the configured clock, and tests can move it.
/// </summary>
internal sealed class CrmUserManager(
    IUserStore<AppUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<AppUser> passwordHasher,
    IEnumerable<IUserValidator<AppUser>> userValidators, IEnumerable<IPasswordValidator<AppUser>> passwordValidators,
    ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<AppUser>> logger,
    TimeProvider clock)
    : UserManager<AppUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<bool> IsLockedOutAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!await GetLockoutEnabledAsync(user))
        {
            return false;
        }
        return await GetLockoutEndDateAsync(user) is { } end && end >= clock.GetUtcNow();
    }

    public override async Task<IdentityResult> AccessFailedAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lockout = (IUserLockoutStore<AppUser>)Store;
        var count = await lockout.IncrementAccessFailedCountAsync(user, CancellationToken);
        if (count >= Options.Lockout.MaxFailedAccessAttempts)
        {
            await lockout.SetLockoutEndDateAsync(user, clock.GetUtcNow().Add(Options.Lockout.DefaultLockoutTimeSpan), CancellationToken);
            await lockout.ResetAccessFailedCountAsync(user, CancellationToken);
        }
        return await UpdateUserAsync(user);
    }
}

/// <summary>Identity's password hasher over Core's PBKDF2 format, so existing hashes keep working.</summary>
internal sealed class CrmPasswordHasher : IPasswordHasher<AppUser>
{
    public string HashPassword(AppUser user, string password) => PasswordHashing.Hash(password);

    public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
    {
        if (!PasswordHashing.Verify(providedPassword, hashedPassword))
        {
            return PasswordVerificationResult.Failed;
        }
        // Hashes made with fewer iterations than today's are re-hashed on this successful login.
        var parts = hashedPassword.Split('$');
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations < PasswordHashing.Iterations
            ? PasswordVerificationResult.SuccessRehashNeeded
            : PasswordVerificationResult.Success;
    }
}

/// <summary>Core's <see cref="PasswordPolicy"/> as an Identity validator; each broken rule is an error whose code is the rule.</summary>
internal sealed class PolicyPasswordValidator : IPasswordValidator<AppUser>
{
    public const string CodePrefix = "Password.";

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var broken = PasswordPolicy.Check(password ?? "", user.UserName);
        return Task.FromResult(broken.Count == 0
            ? IdentityResult.Success
            : IdentityResult.Failed([.. broken.Select(r => new IdentityError { Code = CodePrefix + r, Description = r.ToString() })]));
    }
}

/// <summary>The cookie's claims: id, name and security stamp (Identity), plus role, display name and data-scope links.</summary>
internal sealed class CrmClaimsPrincipalFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        identity.AddClaim(new Claim(CrmClaims.DisplayName, user.DisplayName));
        if (user.AgentId is { } agentId)
        {
            identity.AddClaim(new Claim(CrmClaims.AgentId, agentId.ToString(CultureInfo.InvariantCulture)));
        }
        if (user.BranchId is { } branchId)
        {
            identity.AddClaim(new Claim(CrmClaims.BranchId, branchId.ToString(CultureInfo.InvariantCulture)));
        }
        return identity;
    }
}

/// <summary>Options of the <c>Security:Login</c> section.</summary>
internal sealed class LoginOptions
{
    public const string Section = "Security:Login";

    /// <summary>Wrong passwords in a row before the account locks.</summary>
    [System.ComponentModel.DataAnnotations.Range(3, 10)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:05:00", "24:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Login attempts per client address per minute before 429.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int PermitsPerMinute { get; set; } = 10;
}

internal static class CrmIdentityExtensions
{
    /// <summary>Identity's user manager and sign-in manager over <c>app_user</c>, with our hasher, policy and lockout.</summary>
    public static IServiceCollection AddCrmIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoginOptions>().Bind(configuration.GetSection(LoginOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var login = configuration.GetSection(LoginOptions.Section).Get<LoginOptions>() ?? new LoginOptions();
        services.AddIdentityCore<AppUser>(o =>
            {
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = login.MaxFailedAttempts;
                o.Lockout.DefaultLockoutTimeSpan = login.LockoutDuration;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
                o.User.RequireUniqueEmail = false;
            })
            .AddUserStore<CrmUserStore>()
            .AddUserManager<CrmUserManager>()
            .AddClaimsPrincipalFactory<CrmClaimsPrincipalFactory>()
            .AddSignInManager();
        // One password policy for web and CLI: Core's, instead of Identity's own rules.
        services.RemoveAll<IPasswordValidator<AppUser>>();
        services.AddScoped<IPasswordValidator<AppUser>, PolicyPasswordValidator>();
        services.Replace(ServiceDescriptor.Scoped<IPasswordHasher<AppUser>, CrmPasswordHasher>());
        return services;
    }
}
