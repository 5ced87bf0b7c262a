using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Web.Tests.Security;

public class SessionTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Session_IdleUnder30Minutes_StaysAndExtends_Over30Ends(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var client = await host.SignInAsync("callcenter");

        host.Clock.Advance(TimeSpan.FromMinutes(29));
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue();
        // 58 minutes after login, but only 29 after the last request: last_seen moved the idle window.
        host.Clock.Advance(TimeSpan.FromMinutes(29));
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue();
        host.Clock.Advance(TimeSpan.FromMinutes(31));
        using var api = await client.GetAsync("/api/account/sessions");
        using var page = await client.GetAsync("/customers");

        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.PathAndQuery.ShouldStartWith("/login");
        var session = (await host.SessionsOfAsync("callcenter")).ShouldHaveSingleItem();
        session.EndReason.ShouldBe(SessionEndReason.Idle);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Session_UsedAfterAMinute_ShowsItsLastUse_AndOnSqliteLeavesTheMainFileUnwritten(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var client = await host.SignInAsync("agent");
        var login = host.Clock.GetUtcNow().UtcDateTime;
        // A connection of its own that watches which files others commit to (SQLite's data_version, per attached file).
        await using var watcher = await host.Database.Database.OpenConnectionAsync();
        var sqlite = provider == DatabaseProvider.Sqlite;
        var main = sqlite ? await ScalarAsync(watcher, "PRAGMA main.data_version") : 0;
        var log = sqlite ? await ScalarAsync(watcher, "PRAGMA access_log.data_version") : 0;

        host.Clock.Advance(TimeSpan.FromMinutes(3));
        var list = await client.GetFromJsonAsync<JsonElement>("/api/account/sessions");

        var lastSeen = list.EnumerateArray().ShouldHaveSingleItem().GetProperty("lastSeenAt").GetDateTime().ToUniversalTime();
        lastSeen.ShouldBe(login.AddMinutes(3), TimeSpan.FromSeconds(1));
        (await host.SessionsOfAsync("agent")).ShouldHaveSingleItem().LastSeenAt.ShouldBe(login, TimeSpan.FromSeconds(1));
        if (sqlite)
        {
            (await ScalarAsync(watcher, "PRAGMA main.data_version")).ShouldBe(main, "the session check wrote the main database file");
            (await ScalarAsync(watcher, "PRAGMA access_log.data_version")).ShouldNotBe(log);
        }
        // Idleness counts from that use: 29 minutes later the session still signs in.
        host.Clock.Advance(TimeSpan.FromMinutes(29));
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue();
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Session_ActiveFor12Hours_EndsAnyway(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var client = await host.SignInAsync("analyst");

        for (var minutes = 20; minutes < 12 * 60; minutes += 20)
        {
            host.Clock.Advance(TimeSpan.FromMinutes(20));
            (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue($"{minutes} minutes after login");
        }
        host.Clock.Advance(TimeSpan.FromMinutes(20));

        (await SecurityHost.IsSignedInAsync(client)).ShouldBeFalse();
        (await host.SessionsOfAsync("analyst")).ShouldHaveSingleItem().EndReason.ShouldBe(SessionEndReason.Expired);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Login_Again_GivesNewSessionIdAndOldCookiesStopWorking(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var raw = host.NewRawClient();

        var first = await raw.LoginAsync("compliance", DemoUsers.Password);
        var firstId = (await host.SessionsOfAsync("compliance")).ShouldHaveSingleItem().Id;
        var second = await raw.LoginAsync("compliance", DemoUsers.Password, current: first);
        var sessions = await host.SessionsOfAsync("compliance");

        sessions.Count.ShouldBe(2);
        var secondId = sessions.Single(s => s.Id != firstId).Id;
        secondId.ShouldNotBe(firstId);
        secondId.Length.ShouldBe(32);
        sessions.Single(s => s.Id == firstId).EndReason.ShouldBe(SessionEndReason.Logout);
        second.ShouldNotBe(first);
        (await raw.StatusAsync("/", first)).ShouldBe(HttpStatusCode.Redirect);
        (await raw.StatusAsync("/", second)).ShouldBe(HttpStatusCode.OK);

        await raw.LogoutAsync(second);

        (await raw.StatusAsync("/", second)).ShouldBe(HttpStatusCode.Redirect);
        (await host.SessionsOfAsync("compliance")).ShouldAllBe(s => s.EndedAt != null);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SessionsPage_EndOtherSession_ThatCookieStopsWorking(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var laptop = await host.SignInAsync("manager");
        using var phone = await host.SignInAsync("manager");
        using var stranger = await host.SignInAsync("marketer");

        var list = await laptop.GetFromJsonAsync<JsonElement>("/api/account/sessions");
        var sessions = list.EnumerateArray().ToList();
        var page = await laptop.GetStringAsync("/account/sessions");
        var phoneId = sessions.Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;
        var strangerId = (await host.SessionsOfAsync("marketer")).Single().Id;

        sessions.Count.ShouldBe(2);
        page.ShouldContain("현재 세션");
        page.ShouldContain($"value=\"{phoneId}\"");
        using var foreign = await laptop.DeleteAsync($"/api/account/sessions/{strangerId}");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await SecurityHost.IsSignedInAsync(stranger)).ShouldBeTrue();

        using var end = await laptop.PostAsync("/account/sessions/end",
            LoginSecurityTests.Fields(CrmWebFactory.Token(page), ("sessionId", phoneId)));

        end.Headers.Location!.OriginalString.ShouldBe("/account/sessions?ended=1");
        (await SecurityHost.IsSignedInAsync(phone)).ShouldBeFalse();
        (await SecurityHost.IsSignedInAsync(laptop)).ShouldBeTrue();
        (await host.SessionsOfAsync("manager")).Single(s => s.Id == phoneId).EndReason.ShouldBe(SessionEndReason.EndedByUser);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Session_EndedByAnotherNode_StopsWorkingWithinRecheckAfter(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var client = await host.SignInAsync("callcenter");
        (await SecurityHost.IsSignedInAsync(client)).ShouldBeTrue();
        var id = (await host.SessionsOfAsync("callcenter")).ShouldHaveSingleItem().Id;

        // What another web node or the CLI does: the row ends without this process taking part.
        var ended = host.Clock.GetUtcNow().UtcDateTime;
        await host.WithDbAsync(ctx => ctx.Set<UserSession>().Where(s => s.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, ended).SetProperty(x => x.EndReason, SessionEndReason.Revoked)));
        host.Clock.Advance(TimeSpan.FromSeconds(2));

        (await SecurityHost.IsSignedInAsync(client)).ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Session_RevokedOnThisNode_StopsWorkingAtOnce_EvenRightAfterAValidCheck(DatabaseProvider provider)
    {
        await using var host = await SecurityHost.StartAsync(provider);
        using var admin = await host.SignInAsync("admin");
        using var cs = await host.SignInAsync("cs");
        using var analyst = await host.SignInAsync("analyst");
        (await SecurityHost.IsSignedInAsync(cs)).ShouldBeTrue();
        (await SecurityHost.IsSignedInAsync(analyst)).ShouldBeTrue();

        // The clock stands still: only the revocation itself can make these checks read the rows again.
        using var deactivate = await admin.PostAsync("/api/admin/users/cs/deactivate", null);
        using var password = await admin.PostAsJsonAsync("/api/admin/users/analyst/password", new { password = "Harbour#Lights42" });

        deactivate.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        password.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await SecurityHost.IsSignedInAsync(cs)).ShouldBeFalse();
        (await SecurityHost.IsSignedInAsync(analyst)).ShouldBeFalse();
        (await SecurityHost.IsSignedInAsync(admin)).ShouldBeTrue();
    }
}
