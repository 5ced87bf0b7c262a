using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Web.Tests.Security;

public class UserAdminTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AdminPagesAndApi_AsNonAdmin_Answer403AndChangeNothing(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var agent = await host.SignInAsync("agent");
        var before = await UsersAsync(host);
        var token = CrmWebFactory.Token(await agent.GetStringAsync("/"));

        using var page = await agent.GetAsync("/admin/users");
        using var list = await agent.GetAsync("/api/admin/users");
        using var setRole = await agent.PutAsJsonAsync("/api/admin/users/agent/role", new { role = "Admin" });
        using var create = await agent.PostAsJsonAsync("/api/admin/users", new { userName = "intruder", displayName = "x", role = "Admin", password = "Harbour#Lights42" });
        using var form = await agent.PostAsync("/admin/users/deactivate", LoginSecurityTests.Fields(token, ("userName", "admin")));

        foreach (var response in new[] { page, list, setRole, create, form })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        (await UsersAsync(host)).ShouldBe(before);
        (await host.WithDbAsync(ctx => ctx.Set<AccessRightChange>().CountAsync())).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AccountAdmin_CalledInCoreByNonAdmin_IsRefused(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        await using var scope = host.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<AccountAdmin>();
        var compliance = await host.WithDbAsync(ctx => ctx.Users.AsNoTracking().SingleAsync(u => u.UserName == "compliance"));
        var actor = new CrmUser(compliance.Id, compliance.UserName, compliance.Role, null, null, null, "test");

        (await admin.ListAsync(actor)).ShouldBeNull();
        (await admin.SetRoleAsync(actor, "compliance", Role.Admin)).Error.ShouldBe(AccountError.Forbidden);
        (await admin.CreateAsync(actor, new NewUser("second", "x", Role.Admin, "Harbour#Lights42"))).Error.ShouldBe(AccountError.Forbidden);
        (await admin.ResetPasswordAsync(actor, "admin", "Harbour#Lights42")).Error.ShouldBe(AccountError.Forbidden);

        (await host.WithDbAsync(ctx => ctx.Users.SingleAsync(u => u.UserName == "compliance"))).Role.ShouldBe(Role.Compliance);
        (await host.WithDbAsync(ctx => ctx.Users.CountAsync())).ShouldBe(DemoUsers.Accounts.Count);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SetRole_ByAdmin_IsRecordedAndEndsTheUsersSessions(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var admin = await host.SignInAsync("admin");
        using var voc = await host.SignInAsync("voc");

        using var response = await admin.PutAsJsonAsync("/api/admin/users/voc/role", new { role = "Marketer" });
        var history = await admin.GetFromJsonAsync<JsonElement>("/api/admin/access-rights?user=voc");
        var page = await admin.GetStringAsync("/admin/users");

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var change = (await host.WithDbAsync(ctx => ctx.Set<AccessRightChange>().AsNoTracking().ToListAsync())).ShouldHaveSingleItem();
        (change.ActorUserName, change.TargetUserName, change.Kind, change.OldRole, change.NewRole)
            .ShouldBe(("admin", "voc", AccessRightChangeKind.RoleChanged, Role.VocHandler, Role.Marketer));
        history.GetArrayLength().ShouldBe(1);
        page.ShouldContain("역할 변경");
        (await SecurityHost.IsSignedInAsync(voc)).ShouldBeFalse();
        using var again = await host.SignInAsync("voc");
        (await again.GetStringAsync("/")).ShouldContain("마케터");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CreateUser_ThroughTheAdminPage_EnforcesPolicyAndOneAccountPerPerson(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var admin = await host.SignInAsync("admin");
        var token = CrmWebFactory.Token(await admin.GetStringAsync("/admin/users"));

        using var weak = await admin.PostAsync("/admin/users/create", LoginSecurityTests.Fields(token,
            ("userName", "kim.analyst"), ("displayName", "New analyst"), ("role", "Analyst"), ("password", "password1")));
        weak.StatusCode.ShouldBe(HttpStatusCode.Redirect, await weak.Content.ReadAsStringAsync());
        var weakPage = await admin.GetStringAsync(weak.Headers.Location!.OriginalString);
        using var taken = await admin.PostAsync("/admin/users/create", LoginSecurityTests.Fields(token,
            ("userName", "ADMIN"), ("displayName", "Second admin"), ("role", "Admin"), ("password", "Harbour#Lights42")));
        using var ok = await admin.PostAsync("/admin/users/create", LoginSecurityTests.Fields(token,
            ("userName", "kim.analyst"), ("displayName", "New analyst"), ("role", "Analyst"), ("password", "Harbour#Lights42")));

        weakPage.ShouldContain("영문 대문자를 포함해야 합니다.");
        weakPage.ShouldContain("특수문자를 포함해야 합니다.");
        taken.Headers.Location!.OriginalString.ShouldStartWith("/admin/users?error=UserNameTaken");
        ok.Headers.Location!.OriginalString.ShouldStartWith("/admin/users?done=created");
        using var newcomer = await host.SignInAsync("kim.analyst", "Harbour#Lights42");
        var changes = await host.WithDbAsync(ctx => ctx.Set<AccessRightChange>().AsNoTracking().ToListAsync());
        changes.ShouldHaveSingleItem().Kind.ShouldBe(AccessRightChangeKind.Created);
        changes[0].NewRole.ShouldBe(Role.Analyst);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Deactivate_ThenReactivate_RevokesAndRestoresSignIn(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var admin = await host.SignInAsync("admin");
        using var cs = await host.SignInAsync("cs");

        using var deactivate = await admin.PostAsync("/api/admin/users/cs/deactivate", null);
        using var login = host.NewClient();
        using var refused = await CrmWebFactory.LoginAsync(login, "cs", DemoUsers.Password);
        using var self = await admin.PostAsync("/api/admin/users/admin/deactivate", null);
        using var reactivate = await admin.PostAsync("/api/admin/users/cs/reactivate", null);
        using var reset = await admin.PostAsJsonAsync("/api/admin/users/cs/password", new { password = "short" });

        deactivate.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SecurityHost.IsSignedInAsync(cs)).ShouldBeFalse();
        refused.Headers.Location!.OriginalString.ShouldStartWith("/login?failed=1");
        self.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        reactivate.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        reset.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await reset.Content.ReadAsStringAsync()).ShouldContain("TooShort");
        using var back = await host.SignInAsync("cs");
        var kinds = await host.WithDbAsync(ctx => ctx.Set<AccessRightChange>().AsNoTracking().OrderBy(c => c.Id).Select(c => c.Kind).ToListAsync());
        kinds.ShouldBe([AccessRightChangeKind.Deactivated, AccessRightChangeKind.Reactivated]);
    }

    [Fact]
    public async Task Startup_AccessRightRetentionUnderThreeYears_IsRefused()
    {
        var error = await Should.ThrowAsync<Exception>(async () =>
        {
            await using var host = await SecurityHost.StartAsync(DatabaseProvider.Sqlite,
                new Dictionary<string, string?> { ["Security:AccessRights:RetentionDays"] = "365" });
        });

        error.ToString().ShouldContain("RetentionDays must be at least 1095");
    }

    private static Task<List<(string, Role, bool, string)>> UsersAsync(SecurityHost host) => host.WithDbAsync(async ctx =>
        (await ctx.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync()).Select(u => (u.UserName, u.Role, u.IsActive, u.SecurityStamp)).ToList());
}
