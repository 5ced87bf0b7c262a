using InsureCrm.Cli;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Tests.Security;

public class UserCommandsTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Users_FirstAdminThenAdminVerbs_AreRecordedAndNonAdminsRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);

        (await RunAsync(db, "users", "add", "boss", "--role", "Admin")).ShouldBe(0);
        (await RunAsync(db, "users", "add", "second-boss", "--role", "Admin")).ShouldBe(1);
        (await RunAsync(db, "users", "add", "lee", "--role", "Analyst", "--display-name", "Analyst Lee", "--as", "boss")).ShouldBe(0);
        (await RunAsync(db, "users", "add", "LEE", "--role", "Analyst", "--as", "boss")).ShouldBe(1);
        (await RunAsync(db, "users", "set-role", "lee", "--role", "Admin", "--as", "lee")).ShouldBe(1);
        (await RunAsync(db, "users", "set-role", "lee", "--role", "Marketer", "--as", "boss")).ShouldBe(0);
        (await RunAsync(db, "users", "deactivate", "boss", "--as", "boss")).ShouldBe(1);
        (await RunAsync(db, "users", "deactivate", "lee", "--as", "boss")).ShouldBe(0);
        (await RunAsync(db, "users", "list", "--as", "boss")).ShouldBe(0);
        (await RunAsync(db, "users", "list", "--as", "lee")).ShouldBe(1);

        await using var ctx = db.CreateContext();
        var users = await ctx.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync();
        users.Select(u => (u.UserName, u.Role, u.IsActive)).ShouldBe([("boss", Role.Admin, true), ("lee", Role.Marketer, false)]);
        users.ShouldAllBe(u => u.PasswordHash.StartsWith("pbkdf2-sha256$") && u.SecurityStamp.Length > 0);
        var changes = await ctx.Set<AccessRightChange>().AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        changes.Select(c => (c.ActorUserName, c.TargetUserName, c.Kind)).ShouldBe(
        [
            ("bootstrap", "boss", AccessRightChangeKind.Created),
            ("boss", "lee", AccessRightChangeKind.Created),
            ("boss", "lee", AccessRightChangeKind.RoleChanged),
            ("boss", "lee", AccessRightChangeKind.Deactivated),
        ]);
        changes[0].ActorUserId.ShouldBeNull();
    }

    private static Task<int> RunAsync(TestDatabase db, params string[] args) =>
        CliApp.RunAsync(args, new ConfigurationBuilder().AddInMemoryCollection(db.Settings).Build());
}
