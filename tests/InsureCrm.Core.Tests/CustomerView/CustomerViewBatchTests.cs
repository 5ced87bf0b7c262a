using System.Text.Json;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests.CustomerView;

/// <summary>
/// The sets the view's batch folds into JSON columns (phones, emails, addresses, source keys, households and members,
/// relationships, loans, consents, merges, names) come back with exactly the values EF reads from the same rows on
/// each provider: decimals with their scale, timestamps to the microsecond with the kind the provider gives, dates,
/// nulls, booleans and enums.
/// </summary>
public class CustomerViewBatchTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Read_FoldedSets_EqualWhatEfReadsFromTheSameRows(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
            var at = CustomerSeed.Now.AddTicks(1_234_560);
            ctx.MarketingConsents.Add(new MarketingConsent
            {
                CustomerId = family.HongId, Channel = ContactChannel.Phone, Granted = true, NightTimeAllowed = true, Source = "app",
                RecordedAt = at, EffectiveFrom = new(2026, 2, 1), ExpiresOn = new(2028, 1, 31),
            });
            ctx.IdentityMerges.Add(new IdentityMerge
            {
                SurvivorId = family.SpouseId, MergedId = family.HongId, Rule = MergeRule.SameRrn, MergedAt = at.AddDays(-3), MergedBy = "clerk", UndoneAt = at,
            });
            ctx.CustomerAddresses.Add(new CustomerAddress
            {
                CustomerId = family.HongId, Kind = AddressKind.Work, Sido = "부산광역시", Sigungu = "해운대구", Line = "센텀로 \"2\"", PostalCode = null,
            });
            await ctx.SaveChangesAsync();
        }
        await using var read = db.CreateContext();
        await read.Database.OpenConnectionAsync();

        var (_, rows) = await CustomerViewBatch.ReadAsync(read, new CustomerScope(read).ProbeStatement(CoreServices.CallCenter, family.HongId),
            family.HongId, 10, CancellationToken.None);

        rows.ShouldNotBeNull();
        var id = family.HongId;
        var c = rows.Customer;
        Same(c.Phones.OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.Kind, x.Number, x.IsPrimary }),
            read.CustomerPhones.Where(x => x.CustomerId == id).OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.Kind, x.Number, x.IsPrimary }), count: 2);
        Same(c.Emails.OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.Address, x.IsPrimary }),
            read.CustomerEmails.Where(x => x.CustomerId == id).OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.Address, x.IsPrimary }));
        Same(c.Addresses.OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.Kind, x.Sido, x.Sigungu, x.Line, x.PostalCode, x.IsPrimary }),
            read.CustomerAddresses.Where(x => x.CustomerId == id).OrderBy(x => x.Id)
                .Select(x => new { x.Id, x.CustomerId, x.Kind, x.Sido, x.Sigungu, x.Line, x.PostalCode, x.IsPrimary }), count: 2);
        Same(c.SourceKeys.OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.SourceSystem, x.SourceId }),
            read.CustomerSourceKeys.Where(x => x.CustomerId == id).OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.SourceSystem, x.SourceId }));
        Same(rows.Households.Select(h => new { h.Id, h.Name, Members = h.Members.OrderBy(m => m.Id).Select(m => new { m.Id, m.HouseholdId, m.CustomerId, m.Role }) }),
            read.Households.Where(h => h.Members.Any(m => m.CustomerId == id)).OrderBy(h => h.Id)
                .Select(h => new { h.Id, h.Name, Members = h.Members.OrderBy(m => m.Id).Select(m => new { m.Id, m.HouseholdId, m.CustomerId, m.Role }) }));
        Same(rows.Relationships.OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.RelatedCustomerId, x.Kind }),
            read.CustomerRelationships.Where(x => x.CustomerId == id).OrderBy(x => x.Id).Select(x => new { x.Id, x.CustomerId, x.RelatedCustomerId, x.Kind }));
        Same(rows.Loans.Select(x => new
            {
                x.Id, x.LoanNumber, x.CustomerId, x.ProductId, x.Principal, x.Rate, x.Balance, x.Currency, x.StartDate, x.MaturityDate,
                x.Status, x.StatusDate, x.AgentId, x.Version,
            }),
            read.Loans.Where(x => x.CustomerId == id).OrderBy(x => x.StartDate).ThenBy(x => x.Id).Select(x => new
            {
                x.Id, x.LoanNumber, x.CustomerId, x.ProductId, x.Principal, x.Rate, x.Balance, x.Currency, x.StartDate, x.MaturityDate,
                x.Status, x.StatusDate, x.AgentId, x.Version,
            }));
        Same(rows.Consents.OrderBy(x => x.Id).Select(x => new
            {
                x.Id, x.CustomerId, x.Channel, x.Granted, x.NightTimeAllowed, x.Source, x.RecordedAt, RecordedKind = x.RecordedAt.Kind, x.EffectiveFrom, x.ExpiresOn,
            }),
            read.MarketingConsents.Where(x => x.CustomerId == id).OrderBy(x => x.Id).AsEnumerable().Select(x => new
            {
                x.Id, x.CustomerId, x.Channel, x.Granted, x.NightTimeAllowed, x.Source, x.RecordedAt, RecordedKind = x.RecordedAt.Kind, x.EffectiveFrom, x.ExpiresOn,
            }).AsQueryable(), count: 4);
        Same(rows.Merges.Select(x => new { x.Id, x.SurvivorId, x.MergedId, x.Rule, x.MergedAt, Kind = x.MergedAt.Kind, x.MergedBy, x.UndoneAt }),
            read.IdentityMerges.Where(x => x.SurvivorId == id || x.MergedId == id).OrderByDescending(x => x.MergedAt).ThenBy(x => x.Id).AsEnumerable()
                .Select(x => new { x.Id, x.SurvivorId, x.MergedId, x.Rule, x.MergedAt, Kind = x.MergedAt.Kind, x.MergedBy, x.UndoneAt }).AsQueryable(), count: 2);
        rows.Names.ShouldBe(new Dictionary<long, string> { [family.SpouseId] = "홍길순" });
        var held = rows.Contracts.Select(k => k.Id).ToList();
        Same(rows.Contracts.Select(k => new
            {
                k.Id, k.ContractNumber, k.ProductId, k.CustomerId, k.SumAssured, k.Premium, k.Currency, k.PaymentMode, k.PaymentMethod, k.IssueDate,
                k.MaturityDate, k.SellingAgentId, k.ServicingAgentId, k.Channel, k.Status, k.StatusDate, k.Version,
                Roles = k.Roles.Select(r => new { r.Id, r.ContractId, r.CustomerId, r.Role, r.SharePercent }),
                Riders = k.Riders.Select(r => new { r.Id, r.ContractId, r.ProductId, r.SumAssured, r.Premium }),
            }),
            read.Contracts.Where(k => held.Contains(k.Id)).OrderBy(k => k.IssueDate).ThenBy(k => k.Id).Select(k => new
            {
                k.Id, k.ContractNumber, k.ProductId, k.CustomerId, k.SumAssured, k.Premium, k.Currency, k.PaymentMode, k.PaymentMethod, k.IssueDate,
                k.MaturityDate, k.SellingAgentId, k.ServicingAgentId, k.Channel, k.Status, k.StatusDate, k.Version,
                Roles = k.Roles.OrderBy(r => r.Id).Select(r => new { r.Id, r.ContractId, r.CustomerId, r.Role, r.SharePercent }),
                Riders = k.Riders.OrderBy(r => r.Id).Select(r => new { r.Id, r.ContractId, r.ProductId, r.SumAssured, r.Premium }),
            }), count: 2);
        Same(rows.History.OrderBy(h => h.EffectiveDate).ThenBy(h => h.Id).Select(h => new
            {
                h.Id, h.ContractId, h.FromStatus, h.ToStatus, h.EffectiveDate, h.RecordedAt, Kind = h.RecordedAt.Kind, h.Reason,
            }),
            read.ContractStatusChanges.Where(h => held.Contains(h.ContractId)).OrderBy(h => h.EffectiveDate).ThenBy(h => h.Id).AsEnumerable().Select(h => new
            {
                h.Id, h.ContractId, h.FromStatus, h.ToStatus, h.EffectiveDate, h.RecordedAt, Kind = h.RecordedAt.Kind, h.Reason,
            }).AsQueryable(), count: 2);
        Same(rows.Claims.Select(c => new { c.Id, c.ContractId, c.ClaimNumber, c.Cause, c.ClaimDate, c.PaidDate, c.AmountPaid, c.Currency }),
            read.Claims.Where(c => held.Contains(c.ContractId)).OrderByDescending(c => c.ClaimDate).ThenBy(c => c.Id)
                .Select(c => new { c.Id, c.ContractId, c.ClaimNumber, c.Cause, c.ClaimDate, c.PaidDate, c.AmountPaid, c.Currency }));
        var productIds = rows.Products.Keys.ToList();
        productIds.Count.ShouldBe(3, "the contracts' products, the rider's and the loan's");
        Same(rows.Products.Values.OrderBy(p => p.Id).Select(p => new { p.Id, p.Code, p.Name, p.Line, p.Family }),
            read.Products.Where(p => productIds.Contains(p.Id)).OrderBy(p => p.Id).Select(p => new { p.Id, p.Code, p.Name, p.Line, p.Family }), count: 3);
        rows.Agents.Values.OrderBy(a => a.Id).ShouldBe([
            new AgentRef(family.AgentId, "FC0001", "박설계", AgentKind.Fc, AgentStatus.Active, "B-GN", "강남지점"),
            new AgentRef(family.TerminatedAgentId, "FC0002", "최퇴사", AgentKind.Fc, AgentStatus.Terminated, "B-GN", "강남지점")]);
    }

    /// <summary>Compares field by field as JSON, which shows a decimal's scale and a timestamp's kind.</summary>
    private static void Same<T>(IEnumerable<T> folded, IQueryable<T> fromEf, int count = 1)
    {
        var expected = fromEf.ToList();
        expected.Count.ShouldBe(count);
        JsonSerializer.Serialize(folded.ToList()).ShouldBe(JsonSerializer.Serialize(expected));
    }
}
