using InsureCrm.Core.Common;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;

namespace InsureCrm.Tests.CustomerView;

public class CustomerViewTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Get_Customer_GroupsContractsByRoleAndFlagsOrphans(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        }
        await using var read = db.CreateContext();

        var view = (await CoreServices.Views(read, db).GetAsync(CoreServices.AgentOf(family), family.HongId)).View;

        view.ShouldNotBeNull();
        view.Identity.RrnMasked.ShouldBe(family.HongRrnMasked);
        var byRole = view.ContractsByRole.ToDictionary(g => g.Role, g => g.Contracts.Select(c => c.ContractNumber).ToList());
        byRole[ContractRoleKind.Policyholder].ShouldBe([family.HeldContract]);
        byRole[ContractRoleKind.Insured].ShouldBe([family.SpouseContract, family.HeldContract]);
        byRole[ContractRoleKind.Beneficiary].ShouldBeEmpty();
        var held = view.ContractsByRole[0].Contracts[0];
        held.Orphaned.ShouldBeFalse();
        held.Riders.Single().ProductName.ShouldBe("암진단특약");
        held.StatusHistory.Select(h => h.To).ShouldBe([ContractStatus.Applied, ContractStatus.InForce]);
        held.Claims.Single().ClaimNumber.ShouldBe("CL-0001");
        held.Parties.ShouldContain(p => p.CustomerId == family.SpouseId && p.Role == ContractRoleKind.Beneficiary && p.Name == "홍길순");
        view.ContractsByRole[1].Contracts.Single(c => c.ContractNumber == family.SpouseContract).Orphaned.ShouldBeTrue();
        view.Agents.Single(a => a.Agent.Id == family.AgentId).Relation.ShouldBe(AgentRelation.Selling | AgentRelation.Servicing | AgentRelation.Loan | AgentRelation.Contact);
        view.Loans.Single().Balance.ShouldBe(3_000_000m);
        view.Households.Single().Members.Select(m => m.Name).ShouldBe(["홍길동", "홍길순"]);
        view.Relationships.Single().Name.ShouldBe("홍길순");
        view.Consents.Single(c => c.Channel == Core.Customers.ContactChannel.Sms).Granted.ShouldBeFalse();
        view.Consents.Single(c => c.Channel == Core.Customers.ContactChannel.Email).Granted.ShouldBeTrue();
        view.SourceKeys.Single().SourceId.ShouldBe("P-0001");
        view.Merges.Single().MergedId.ShouldBe(family.DuplicateId);
        view.Timeline.Items.Select(i => i.Purpose).ShouldBe([InteractionPurpose.Inquiry, InteractionPurpose.CoverageCheck]);
        view.NotYetAvailable.ShouldBe(Enum.GetValues<ReservedSection>());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Get_MergedOrUnknownId_PointsToSurvivorOrNothing(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        }
        await using var read = db.CreateContext();
        var views = CoreServices.Views(read, db);

        var merged = await views.GetAsync(CoreServices.AgentOf(family), family.DuplicateId);
        var unknown = await views.GetAsync(CoreServices.AgentOf(family), 987_654);

        merged.View.ShouldBeNull();
        merged.MergedIntoId.ShouldBe(family.HongId);
        unknown.Found.ShouldBeFalse();
        unknown.MergedIntoId.ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Timeline_MoreThanOnePage_ContinuesNewestFirstWithoutGapsOrRepeats(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long id;
        await using (var ctx = db.CreateContext())
        {
            id = (await CustomerSeed.AddNamedAsync(ctx, ["강감찬"]))[0];
            // 130 contacts, several at the same instant so the id breaks ties.
            ctx.Interactions.AddRange(Enumerable.Range(0, 130).Select(i => new Interaction
            {
                CustomerId = id, OccurredAt = CustomerSeed.Now.AddHours(-(i / 3)), Channel = InteractionChannel.Sms,
                Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.Greeting, Outcome = InteractionOutcome.Completed,
            }));
            await ctx.SaveChangesAsync();
        }
        await using var read = db.CreateContext();
        var views = CoreServices.Views(read, db);

        var first = (await views.GetAsync(CoreServices.CallCenter, id, CoreServices.Reason)).View!.Timeline;
        var second = (await views.TimelineAsync(CoreServices.CallCenter, id, first.Before, CoreServices.Reason)).Page;

        first.Items.Count.ShouldBe(CustomerViewService.TimelinePageSize);
        first.Before.ShouldNotBeNull();
        second!.Items.Count.ShouldBe(30);
        second.Before.ShouldBeNull();
        var all = first.Items.Concat(second.Items).ToList();
        all.Select(i => i.Id).Distinct().Count().ShouldBe(130);
        all.ShouldBe(all.OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id).ToList());
    }
}
