using InsureCrm.Core.Common;
using InsureCrm.Tests;

namespace InsureCrm.Web.Tests;

public sealed class NavigationTests
{
    [Fact]
    public async Task Home_EachRole_ShowsOnlyTheMenusItsRoleMayUse()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);

        using (var agent = await factory.SignedInClientAsync("agent"))
        {
            var home = await agent.GetStringAsync("/");
            home.ShouldContain("href=\"/customers\"");
            home.ShouldContain("name=\"q\"");
            home.ShouldNotContain("href=\"/admin/users\"");
            home.ShouldNotContain("href=\"/compliance/access-review\"");
        }
        using (var marketer = await factory.SignedInClientAsync("marketer"))
        {
            var home = await marketer.GetStringAsync("/");
            home.ShouldNotContain("href=\"/customers\"");
            home.ShouldNotContain("name=\"q\"");
            home.ShouldContain("개별 고객을 열지 않습니다");
        }
        using (var compliance = await factory.SignedInClientAsync("compliance"))
        {
            var home = await compliance.GetStringAsync("/");
            home.ShouldContain("href=\"/compliance/access-review\"");
            home.ShouldContain("href=\"/compliance/subjects\"");
            home.ShouldNotContain("href=\"/admin/users\"");
        }
        using (var admin = await factory.SignedInClientAsync("admin"))
        {
            var home = await admin.GetStringAsync("/");
            home.ShouldContain("href=\"/admin/users\"");
            home.ShouldNotContain("href=\"/customers\"");
        }
    }
}
