using InsureCrm.Core.Common;
using InsureCrm.Tests;

namespace InsureCrm.Web.Tests;

/// <summary>
/// Where staff take a customer's voice without knowing VOC's form: the customer page offers "VOC 접수" with the customer
/// already linked, to the roles that may take one (issue 16, intake from every channel).
/// </summary>
public sealed class VocLinksTests
{
    [Fact]
    public async Task CustomerPage_OffersVocIntakeWithTheCustomer_ToRolesThatTakeVoc_NotToCompliance()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var factory = new CrmWebFactory(db);
        var family = await CustomerApiTests.SeedAsync(factory);
        using var agent = await factory.SignedInClientAsync("agent");
        using var compliance = await factory.SignedInClientAsync("compliance");

        var agentsPage = await agent.GetStringAsync($"/customers/{family.HongId}");
        var compliancePage = await compliance.GetStringAsync($"/customers/{family.HongId}?reason=audit&note=VOC");

        agentsPage.ShouldContain($"href=\"/voc/new?customer={family.HongId}\"");
        agentsPage.ShouldContain("VOC 접수");
        compliancePage.ShouldNotContain("data-testid=\"customer-voc\"", customMessage: "compliance reviews; it does not take VOC");
        (await agent.GetStringAsync($"/voc/new?customer={family.HongId}")).ShouldContain($"value=\"{family.HongId}\"", customMessage: "the form arrives with the customer");
    }
}
