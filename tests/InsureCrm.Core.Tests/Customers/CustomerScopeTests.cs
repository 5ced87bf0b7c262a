using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.Customers;

public class CustomerScopeTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Filter_EachRole_ReachesExactlyItsCustomers(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var scope = new CustomerScope(ctx);
        async Task<long[]> Reach(CrmUser user) =>
            [.. (await scope.Filter(ctx.Customers.AsNoTracking().Where(c => c.MergedIntoId == null), user).Select(c => c.Id).ToListAsync()).Order()];

        // Agent: parties of contracts they sold or service (홍길동's contract makes his wife, its beneficiary, theirs too).
        (await Reach(TestUsers.Transient(Role.Agent, w.Family.AgentId))).ShouldBe(Ids(w.Family.HongId, w.Family.SpouseId));
        // The other branch's agent sold Other's contract (insured, beneficiary too) and lent to the borrower.
        (await Reach(TestUsers.Transient(Role.Agent, w.OtherAgentId))).ShouldBe(Ids(w.OtherId, w.InsuredId, w.BeneficiaryId, w.BorrowerId));
        // The CS consultant services Other's contract only: no loans, nothing sold by others.
        (await Reach(TestUsers.Transient(Role.CsConsultant, w.ConsultantId))).ShouldBe(Ids(w.OtherId, w.InsuredId, w.BeneficiaryId));
        (await Reach(TestUsers.Transient(Role.BranchManager, branchId: w.Family.BranchId))).ShouldBe(Ids(w.Family.HongId, w.Family.SpouseId));
        (await Reach(TestUsers.Transient(Role.BranchManager, branchId: w.OtherBranchId))).ShouldBe(Ids(w.OtherId, w.InsuredId, w.BeneficiaryId, w.BorrowerId));
        (await Reach(TestUsers.Transient(Role.CallCenter))).Length.ShouldBe(7);
        foreach (var role in new[] { Role.Marketer, Role.Analyst, Role.Admin, Role.VocHandler })
        {
            (await Reach(TestUsers.Transient(role))).ShouldBeEmpty(role.ToString());
        }
        // An agent account not linked to an agent reaches nobody rather than everybody.
        (await Reach(TestUsers.Transient(Role.Agent))).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Check_RefusedIds_AreLoggedAsDeniedWithWhy_AndReachableOnesAreNot(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        using var log = CoreServices.Log(db);
        var scope = new CustomerScope(ctx, log);
        var agent = TestUsers.Transient(Role.Agent, w.Family.AgentId, name: "agent");

        (await scope.CheckAsync(agent, w.Family.HongId, "view")).ShouldBe(Reach.Allowed);
        (await scope.CheckAsync(agent, w.OtherId, "view")).ShouldBe(Reach.NotFound);
        (await scope.CheckAsync(agent, 987_654, "change contact")).ShouldBe(Reach.NotFound);
        (await scope.CheckAsync(agent, w.Family.DuplicateId, "unmask Rrn", AccessReason.Inquiry)).ShouldBe(Reach.NotFound);
        (await scope.CheckAsync(TestUsers.Transient(Role.Marketer), w.OtherId, "view")).ShouldBe(Reach.Forbidden);

        var entries = await ctx.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        entries.Select(e => (e.UserName, e.Action, e.CustomerId, e.Reason, e.Detail)).ShouldBe(
        [
            ("agent", AccessAction.Denied, (long?)w.OtherId, (string?)null, "view: out-of-scope"),
            ("agent", AccessAction.Denied, 987_654, null, "change contact: unknown-id"),
            ("agent", AccessAction.Denied, w.Family.DuplicateId, AccessReason.Inquiry, "unmask Rrn: merged"),
        ]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task CanReach_OutOfScopeId_AnswersLikeAnUnknownId(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var scope = new CustomerScope(ctx);
        var agent = TestUsers.Transient(Role.Agent, w.Family.AgentId);
        var callCenter = TestUsers.Transient(Role.CallCenter);

        (await scope.CanReachAsync(agent, w.Family.HongId)).ShouldBe(Reach.Allowed);
        (await scope.CanReachAsync(agent, w.OtherId)).ShouldBe(Reach.NotFound);
        (await scope.CanReachAsync(agent, 987_654)).ShouldBe(Reach.NotFound);
        // Merged-away records are not opened directly, even by their own agent.
        (await scope.CanReachAsync(agent, w.Family.DuplicateId)).ShouldBe(Reach.NotFound);
        // Call center: any customer, but only with a reason, and the refusal says nothing about the id.
        (await scope.CanReachAsync(callCenter, w.StrangerId)).ShouldBe(Reach.ReasonRequired);
        (await scope.CanReachAsync(callCenter, 987_654)).ShouldBe(Reach.ReasonRequired);
        (await scope.CanReachAsync(callCenter, w.StrangerId, AccessReason.Inquiry)).ShouldBe(Reach.Allowed);
        (await scope.CanReachAsync(callCenter, 987_654, AccessReason.Inquiry)).ShouldBe(Reach.NotFound);
        (await scope.CanReachAsync(TestUsers.Transient(Role.Marketer), w.Family.HongId)).ShouldBe(Reach.Forbidden);
        (await scope.CanReachAsync(TestUsers.Transient(Role.Admin), w.Family.HongId)).ShouldBe(Reach.Forbidden);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Search_AgentAndCallCenter_AgentFindsOnlyOwnCustomersAndEveryListedCustomerIsLogged(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var search = CoreServices.Search(ctx, CustomerSeed.Protector(), db);

        var asAgent = await search.SearchAsync(TestUsers.Transient(Role.Agent, w.OtherAgentId, name: "other-agent"), "홍");
        var asCallCenter = await search.SearchAsync(CoreServices.CallCenter, "홍");

        asAgent!.Items.ShouldBeEmpty();
        asCallCenter!.Items.Select(i => i.Id).ShouldBe([w.Family.HongId, w.Family.SpouseId]);
        await using var read = db.CreateContext();
        var entries = await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        entries.Select(e => (e.UserName, e.CustomerId, e.Action)).ShouldBe(
            [("callcenter", w.Family.HongId, AccessAction.Search), ("callcenter", w.Family.SpouseId, AccessAction.Search)]);
        entries.ShouldAllBe(e => e.Detail == "search:Name" && e.Role == Role.CallCenter);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task View_UsersOfEveryScopeInTurn_EachOpensExactlyTheCustomersOfTheirOwnScope(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var views = CoreServices.Views(ctx, db);
        long[] everyone = Ids(w.Family.HongId, w.Family.SpouseId, w.OtherId, w.InsuredId, w.BeneficiaryId, w.BorrowerId, w.StrangerId);
        long[] family = Ids(w.Family.HongId, w.Family.SpouseId);
        long[] other = Ids(w.OtherId, w.InsuredId, w.BeneficiaryId, w.BorrowerId);
        // The view's scope gate is written once per kind of scope and reused: users of different kinds take turns, and
        // users of one kind follow each other with different agents and branches, each on the same context.
        (CrmUser User, long[] Opens)[] turns =
        [
            (TestUsers.Transient(Role.BranchManager, branchId: w.Family.BranchId), family),
            (TestUsers.Transient(Role.Agent, w.OtherAgentId), other),
            (TestUsers.Transient(Role.BranchManager, branchId: w.OtherBranchId), other),
            (TestUsers.Transient(Role.Agent, w.Family.AgentId), family),
            (TestUsers.Transient(Role.CsConsultant, w.ConsultantId), Ids(w.OtherId, w.InsuredId, w.BeneficiaryId)),
            // An agent account not linked to an agent, after linked ones: nobody, not the last agent's customers.
            (TestUsers.Transient(Role.Agent), []),
            (CoreServices.CallCenter, everyone),
            (TestUsers.Transient(Role.Agent, w.OtherAgentId), other),
            (TestUsers.Transient(Role.BranchManager, branchId: w.Family.BranchId), family),
        ];

        foreach (var (user, opens) in turns)
        {
            var opened = new List<long>();
            foreach (var id in everyone)
            {
                var lookup = await views.GetAsync(user, id, CoreServices.Reason);
                if (lookup.Found)
                {
                    lookup.View!.Identity.Id.ShouldBe(id);
                    opened.Add(id);
                }
                else
                {
                    lookup.Reach.ShouldBe(Reach.NotFound);
                }
            }
            opened.ToArray().ShouldBe(opens, $"{user.Role} {user.AgentId} {user.BranchId}");
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task View_CallCenterWithReason_IsLoggedWithTheReasonAndContactDataIsMasked(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var views = CoreServices.Views(ctx, db);
        var reason = AccessReason.Compose(AccessReason.Other, "주소 변경 문의")!;

        var refused = await views.GetAsync(CoreServices.CallCenter, w.Family.HongId);
        var opened = await views.GetAsync(CoreServices.CallCenter, w.Family.HongId, reason);
        var asCompliance = await views.GetAsync(TestUsers.Transient(Role.Compliance, name: "compliance"), w.Family.HongId, AccessReason.Audit);

        refused.Reach.ShouldBe(Reach.ReasonRequired);
        var view = opened.View!;
        view.Contact.Phones.Select(p => p.Masked).ShouldBe(["010-****-5678", "02-****-7890"]);
        view.Contact.Emails.Single().Masked.ShouldBe("g***@example.com");
        view.Addresses.Single().Line.ShouldBe("테헤란로 1");
        asCompliance.View!.Addresses.Single().Line.ShouldBeNull();
        await using var read = db.CreateContext();
        var entries = await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        entries.Select(e => (e.UserName, e.Action, e.CustomerId, e.Reason)).ShouldBe(
        [
            ("callcenter", AccessAction.View, (long?)w.Family.HongId, "other: 주소 변경 문의"),
            ("compliance", AccessAction.View, w.Family.HongId, "audit"),
        ]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Unmask_AgentInScopeWithReason_DecryptsAndLogsAndOthersAreRefused(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var unmask = new CustomerUnmask(ctx, new CustomerScope(ctx), CustomerSeed.Protector(), CoreServices.Log(db));
        var agent = CoreServices.AgentOf(w.Family);

        var rrn = await unmask.UnmaskAsync(agent, w.Family.HongId, new UnmaskRequest(UnmaskField.Rrn, AccessReason.Retention));
        var phone = await unmask.UnmaskAsync(agent, w.Family.HongId, new UnmaskRequest(UnmaskField.Phone, AccessReason.Retention));
        var noReason = await unmask.UnmaskAsync(agent, w.Family.HongId, new UnmaskRequest(UnmaskField.Rrn, null));
        var outOfScope = await unmask.UnmaskAsync(agent, w.OtherId, new UnmaskRequest(UnmaskField.Rrn, AccessReason.Retention));
        var marketer = await unmask.UnmaskAsync(TestUsers.Transient(Role.Marketer), w.Family.HongId, new UnmaskRequest(UnmaskField.Rrn, AccessReason.Audit));

        rrn.Status.ShouldBe(UnmaskStatus.Shown);
        rrn.Value.ShouldBe(w.Family.HongRrn);
        phone.Value.ShouldBe("010-1234-5678");
        noReason.Status.ShouldBe(UnmaskStatus.ReasonRequired);
        outOfScope.Status.ShouldBe(UnmaskStatus.NotFound);
        marketer.Status.ShouldBe(UnmaskStatus.Forbidden);
        await using var read = db.CreateContext();
        (await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync()).ShouldBe(["field=rrn", "field=phone"]);
        (await read.AccessLog.AsNoTracking().AllAsync(e => e.Action == AccessAction.Unmask && e.Reason == "retention")).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Edit_MaskedPhoneSentBack_KeepsStoredNumberAndOutOfScopeIsNotFound(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var w = await World.SeedAsync(db);
        await using var ctx = db.CreateContext();
        var edit = CoreServices.Edit(ctx, TimeProvider.System, db);
        var agent = CoreServices.AgentOf(w.Family);
        var version = await ctx.Customers.Where(c => c.Id == w.Family.HongId).Select(c => c.Version).SingleAsync();

        var saved = await edit.UpdateContactAsync(agent, w.Family.HongId, new CustomerContactUpdate(version,
            [new PhoneInput(PhoneKind.Mobile, "010-****-5678", true), new PhoneInput(PhoneKind.Work, "02-555-1234")],
            "g***@example.com", ContactChannel.Sms, ContactTime.Morning, "교사"));
        var foreign = await edit.UpdateContactAsync(agent, w.OtherId, new CustomerContactUpdate(1, [], null, null, ContactTime.Any, null));

        saved.Status.ShouldBe(EditStatus.Saved);
        foreign.Status.ShouldBe(EditStatus.NotFound);
        await using var read = db.CreateContext();
        var hong = await read.Customers.Include(c => c.Phones).Include(c => c.Emails).AsNoTracking().SingleAsync(c => c.Id == w.Family.HongId);
        hong.Phones.Select(p => p.Number).Order(StringComparer.Ordinal).ShouldBe(["01012345678", "025551234"]);
        hong.Emails.Single().Address.ShouldBe("gildong@example.com");
        // The saved edit is a change; the refused one changed nothing and is recorded as refused.
        (await read.AccessLog.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Action, e.CustomerId }).ToListAsync())
            .Select(e => (e.Action, e.CustomerId)).ShouldBe([(AccessAction.Change, (long?)w.Family.HongId), (AccessAction.Denied, w.OtherId)]);
    }

    private static long[] Ids(params long[] ids) => [.. ids.Order()];

    /// <summary>The family of CustomerSeed (branch 강남) and a second branch with its own agent, CS consultant and customers.</summary>
    internal sealed record World(
        SeededFamily Family, long OtherBranchId, long OtherAgentId, long ConsultantId,
        long OtherId, long InsuredId, long BeneficiaryId, long BorrowerId, long StrangerId)
    {
        public static async Task<World> SeedAsync(TestDatabase db)
        {
            await using var ctx = db.CreateContext();
            var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
            var branch = new Branch { Code = "B-BS", Name = "부산지점", Sido = "부산광역시", Sigungu = "해운대구" };
            ctx.Branches.Add(branch);
            await ctx.SaveChangesAsync();
            var agent = new Agent { Code = "FC0100", Name = "김모집", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2018, 1, 1), Status = AgentStatus.Active };
            var consultant = new Agent { Code = "CS0001", Name = "이관리", Kind = AgentKind.Cs, BranchId = branch.Id, HireDate = new(2019, 1, 1), Status = AgentStatus.Active };
            ctx.Agents.AddRange(agent, consultant);
            var ids = await CustomerSeed.AddNamedAsync(ctx, ["김타인", "박피보", "이수익", "최대출", "정무관"]);
            var product = await ctx.Products.FirstAsync(p => p.Code == "WL01");
            var loanProduct = await ctx.Products.FirstAsync(p => p.Code == "LN01");
            var contract = new Contract
            {
                ContractNumber = "L2025000100", ProductId = product.Id, CustomerId = ids[0], SumAssured = 10_000_000, Premium = 50_000,
                IssueDate = new(2025, 1, 1), SellingAgentId = agent.Id, ServicingAgentId = consultant.Id, Status = ContractStatus.InForce, StatusDate = new(2025, 1, 1),
            };
            contract.Roles.Add(new ContractRole { CustomerId = ids[1], Role = ContractRoleKind.Insured });
            contract.Roles.Add(new ContractRole { CustomerId = ids[2], Role = ContractRoleKind.Beneficiary, SharePercent = 100 });
            ctx.Contracts.Add(contract);
            ctx.Loans.Add(new Loan
            {
                LoanNumber = "LN-0100", CustomerId = ids[3], ProductId = loanProduct.Id, Principal = 1_000_000, Rate = 0.05m, Balance = 1_000_000,
                StartDate = new(2025, 1, 1), MaturityDate = new(2027, 1, 1), Status = LoanStatus.Active, StatusDate = new(2025, 1, 1), AgentId = agent.Id,
            });
            await ctx.SaveChangesAsync();
            return new World(family, branch.Id, agent.Id, consultant.Id, ids[0], ids[1], ids[2], ids[3], ids[4]);
        }
    }
}
