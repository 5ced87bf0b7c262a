using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using InsureCrm.Core.Voc;
using InsureCrm.Tests.CallCenter;
using InsureCrm.Tests.Worklists;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Voc;

/// <summary>
/// A case opened by an agent, a CS consultant or a branch manager names only a customer (or a contract) in their data scope;
/// outside it, the intake answers like an unknown customer and opens nothing. The call center and the VOC desk name anyone.
/// Fictional people.
/// </summary>
public sealed class VocIntakeScopeTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnAgent_NamesOnlyTheirOwnCustomers_TheCallCenterAndTheDeskAnyone(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var branch = await VocKit.BranchAsync(ctx);
        var mine = await WorklistKit.AgentAsync(ctx, branch, "AG-MINE", "설계사일");
        var theirs = await WorklistKit.AgentAsync(ctx, branch, "AG-THEIRS", "설계사이");
        var product = await CallCenterKit.ProductAsync(ctx);
        var own = await WorklistKit.CustomerAsync(ctx, "내고객");
        var other = await WorklistKit.CustomerAsync(ctx, "남의고객", "01055505678");
        var ownContract = await CallCenterKit.ContractAsync(ctx, product, own.Id, mine, new DateOnly(2025, 1, 5));
        var otherContract = await CallCenterKit.ContractAsync(ctx, product, other.Id, theirs, new DateOnly(2025, 1, 5));
        var agent = await WorklistKit.AgentUserAsync(ctx, mine, "agent-mine");
        var callCenter = await kit.UserAsync("cc", Role.CallCenter);
        var desk = await kit.UserAsync("desk", Role.VocHandler);

        async Task<VocIntakeResult> Open(CrmUser by, long? customer, long? contract) =>
            await kit.Intake.OpenAsync(VocKit.Complaint() with { CustomerId = customer, ContractId = contract }, by);

        var ownCase = await Open(agent, own.Id, ownContract.Id);
        var otherCustomer = await Open(agent, other.Id, null);
        var otherContractOnly = await Open(agent, null, otherContract.Id);
        var unknown = await Open(agent, 999_999, null);
        var byCallCenter = await Open(callCenter, other.Id, otherContract.Id);
        var byDesk = await Open(desk, null, otherContract.Id);

        ownCase.Status.ShouldBe(VocIntakeStatus.Opened);
        otherCustomer.Status.ShouldBe(VocIntakeStatus.Invalid);
        otherCustomer.ErrorList.Select(e => e.Code).ShouldBe(["customer.unknown"]);
        unknown.ErrorList.Select(e => (e.Field, e.Code, e.Message)).ShouldBe(otherCustomer.ErrorList.Select(e => (e.Field, e.Code, e.Message)),
            "a customer outside the scope is answered exactly like one that does not exist");
        otherContractOnly.Status.ShouldBe(VocIntakeStatus.Invalid);
        otherContractOnly.ErrorList.Select(e => e.Code).ShouldBe(["contract.unknown"]);
        byCallCenter.Status.ShouldBe(VocIntakeStatus.Opened);
        byDesk.Status.ShouldBe(VocIntakeStatus.Opened);
        (await kit.CaseAsync(byDesk.CaseId!.Value)).CustomerId.ShouldBe(other.Id, "the desk's case takes the contract's policyholder");
        var cases = await ctx.VocCases.AsNoTracking().Select(c => c.CustomerId).ToListAsync();
        cases.ShouldBe([own.Id, other.Id, other.Id], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AnInboundContact_IsLinkedOnlyToItsOwnCustomer_ByThoseWhoWorkInboundCalls(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        await using var ctx = db.CreateContext();
        var kit = new VocKit(ctx);
        var branch = await VocKit.BranchAsync(ctx);
        var mine = await WorklistKit.AgentAsync(ctx, branch, "AG-MINE", "설계사일");
        var product = await CallCenterKit.ProductAsync(ctx);
        var caller = await WorklistKit.CustomerAsync(ctx, "전화고객");
        var own = await WorklistKit.CustomerAsync(ctx, "내고객", "01055505678");
        await CallCenterKit.ContractAsync(ctx, product, own.Id, mine, new DateOnly(2025, 1, 5));
        var inbound = await kit.InboundAsync(caller.Id, "complaint.claim", "보험금 지급이 늦다는 불만");
        var agent = await WorklistKit.AgentUserAsync(ctx, mine, "agent-mine");
        var callCenter = await kit.UserAsync("cc", Role.CallCenter);

        async Task<VocIntakeResult> Open(CrmUser by, long? customer, long? inboundId) =>
            await kit.Intake.OpenAsync(VocKit.Complaint() with { CustomerId = customer, InboundContactId = inboundId }, by);

        var agentOnOwnCustomer = await Open(agent, own.Id, inbound.Id);
        var otherCustomer = await Open(callCenter, own.Id, inbound.Id);
        var unknown = await Open(callCenter, caller.Id, 999_999);
        var right = await Open(callCenter, caller.Id, inbound.Id);

        agentOnOwnCustomer.ErrorList.Select(e => e.Code).ShouldBe(["inbound.unknown"], "an agent does not work the call center's inbound contacts");
        otherCustomer.ErrorList.Select(e => e.Code).ShouldBe(["inbound.unknown"], "another customer's inbound contact");
        unknown.ErrorList.Select(e => e.Code).ShouldBe(["inbound.unknown"]);
        right.Status.ShouldBe(VocIntakeStatus.Opened);
        (await kit.CaseAsync(right.CaseId!.Value)).InboundContactId.ShouldBe(inbound.Id);
        (await ctx.VocCases.CountAsync()).ShouldBe(1);
    }
}
