using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using InsureCrm.Tests;
using InsureCrm.Tests.Customers;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Tests.Security;

public sealed class DemoUsersTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task EnsureAsync_BusiestAgentInABranchWithoutRecentHires_LinksTheManagerToABranchTheAgentModelsScore(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        long hiringBranch, hiringFc, hiringConsultant;
        await using (var ctx = db.CreateContext())
        {
            // 강남 (B-GN): FC0001, hired 2015, services two contracts; nobody hired there lately.
            var family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
            var held = await ctx.Contracts.AsNoTracking().SingleAsync(k => k.ContractNumber == family.HeldContract);
            ctx.Contracts.Add(new Contract
            {
                ContractNumber = "L2024000002", ProductId = held.ProductId, CustomerId = family.HongId, SumAssured = 10_000_000, Premium = 30_000,
                PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2024, 3, 1),
                SellingAgentId = family.AgentId, ServicingAgentId = family.AgentId, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = new(2024, 3, 1),
            });
            // 부산 (B-BS): an FC hired 2016 who services one contract, and a new agent hired this year.
            var busan = new Branch { Code = "B-BS", Name = "부산지점", Sido = "부산광역시", Sigungu = "해운대구" };
            ctx.Branches.Add(busan);
            await ctx.SaveChangesAsync();
            var fc = new Agent { Code = "BS0001", Name = "김부산", Kind = AgentKind.Fc, BranchId = busan.Id, HireDate = new(2016, 4, 1), Status = AgentStatus.Active };
            var recruit = new Agent { Code = "BS0002", Name = "이신입", Kind = AgentKind.Fc, BranchId = busan.Id, HireDate = new(2026, 1, 5), Status = AgentStatus.Active };
            // A CS consultant of the same branch who services the customer's other contract: the demo `cs` account's list.
            var consultant = new Agent { Code = "BS0003", Name = "박상담", Kind = AgentKind.Cs, BranchId = busan.Id, HireDate = new(2019, 2, 1), Status = AgentStatus.Active };
            ctx.Agents.AddRange(fc, recruit, consultant);
            await ctx.SaveChangesAsync();
            await ctx.Contracts.Where(k => k.ContractNumber == family.SpouseContract)
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.ServicingAgentId, fc.Id));
            await ctx.Contracts.Where(k => k.ContractNumber == "L2024000002")
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.ServicingAgentId, consultant.Id));
            hiringConsultant = consultant.Id;
            hiringBranch = busan.Id;
            hiringFc = fc.Id;
        }

        await using (var ctx = db.CreateContext())
        {
            await new DemoUsers(ctx, TimeProvider.System).EnsureAsync();
        }

        await using var read = db.CreateContext();
        var users = await read.Users.AsNoTracking().Where(u => u.UserName == "agent" || u.UserName == "manager" || u.UserName == "cs").ToDictionaryAsync(u => u.UserName);
        users["manager"].BranchId.ShouldBe(hiringBranch, "the branch whose new agents the dropout and recruiting models score");
        users["agent"].AgentId.ShouldBe(hiringFc);
        users["agent"].BranchId.ShouldBe(hiringBranch);
        users["cs"].AgentId.ShouldBe(hiringConsultant, "the busiest CS consultant of the agent's branch");
    }
}
