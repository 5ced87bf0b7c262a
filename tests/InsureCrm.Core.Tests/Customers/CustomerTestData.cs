using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;

namespace InsureCrm.Tests.Customers;

/// <summary>What <see cref="CustomerSeed.AddFamilyAsync"/> inserted, for assertions.</summary>
public sealed record SeededFamily(
    long HongId, long SpouseId, long DuplicateId, long AgentId, long TerminatedAgentId, long BranchId,
    string HeldContract, string SpouseContract, string HongPhone, string HongRrn, string HongRrnMasked);

/// <summary>
/// Test data for the customer search, view and edit tests of Core and Web (linked into
/// InsureCrm.Web.Tests). Fictional people.
/// </summary>
public static class CustomerSeed
{
    public static readonly DateTime Now = new(2026, 3, 2, 1, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// 홍길동 (policyholder of one contract, insured on his wife's), his wife 홍길순, and a merged duplicate of
    /// 홍길동; a branch, an active and a terminated agent, riders, history, a claim, a loan, contacts and consents.
    /// </summary>
    public static async Task<SeededFamily> AddFamilyAsync(CrmDbContext db, FieldProtector protector)
    {
        var branch = new Branch { Code = "B-GN", Name = "강남지점", Sido = "서울특별시", Sigungu = "강남구" };
        db.Branches.Add(branch);
        await db.SaveChangesAsync();
        var agent = new Agent { Code = "FC0001", Name = "박설계", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2015, 3, 1), Status = AgentStatus.Active };
        var gone = new Agent { Code = "FC0002", Name = "최퇴사", Kind = AgentKind.Fc, BranchId = branch.Id, HireDate = new(2012, 1, 2), TerminationDate = new(2025, 6, 30), Status = AgentStatus.Terminated };
        var whole = new Product { Code = "WL01", Name = "무배당 종신보험", Line = ProductLine.Life, Family = ProductFamily.WholeLife, TermYears = null };
        var cancer = new Product { Code = "RC01", Name = "암진단특약", Line = ProductLine.Life, Family = ProductFamily.Cancer, IsRider = true, TermYears = 20 };
        var loanProduct = new Product { Code = "LN01", Name = "보험계약대출", Line = ProductLine.Loan, Family = ProductFamily.SecuredLoan };
        db.AddRange(agent, gone, whole, cancer, loanProduct);

        var rrn = Rrn.Create(new DateOnly(1980, 5, 15), Gender.Male, 12345);
        var hong = Person("홍길동", new DateOnly(1980, 5, 15), Gender.Male, protector, rrn);
        hong.Phones.Add(new CustomerPhone { Kind = PhoneKind.Mobile, Number = "01012345678", IsPrimary = true });
        hong.Phones.Add(new CustomerPhone { Kind = PhoneKind.Home, Number = "0234567890" });
        hong.Emails.Add(new CustomerEmail { Address = "gildong@example.com", IsPrimary = true });
        hong.Addresses.Add(new CustomerAddress { Kind = AddressKind.Home, Sido = "서울특별시", Sigungu = "강남구", Line = "테헤란로 1", PostalCode = "06236", IsPrimary = true });
        hong.SourceKeys.Add(new CustomerSourceKey { SourceSystem = "POLICY", SourceId = "P-0001" });
        hong.Occupation = "회사원";
        hong.PreferredChannel = ContactChannel.Phone;
        var spouse = Person("홍길순", new DateOnly(1982, 8, 1), Gender.Female, protector, Rrn.Create(new DateOnly(1982, 8, 1), Gender.Female, 54321));
        spouse.Phones.Add(new CustomerPhone { Kind = PhoneKind.Mobile, Number = "01098765432", IsPrimary = true });
        var duplicate = Person("홍길동", new DateOnly(1980, 5, 15), Gender.Male, protector, rrn);
        duplicate.Phones.Add(new CustomerPhone { Kind = PhoneKind.Mobile, Number = "01012345678", IsPrimary = true });
        db.Customers.AddRange(hong, spouse, duplicate);
        await db.SaveChangesAsync();
        duplicate.MergedIntoId = hong.Id;

        var held = new Contract
        {
            ContractNumber = "L2024000001", ProductId = whole.Id, CustomerId = hong.Id, SumAssured = 100_000_000, Premium = 152_000,
            PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.AutoDebit, IssueDate = new(2024, 2, 1),
            SellingAgentId = agent.Id, ServicingAgentId = agent.Id, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = new(2024, 2, 1),
        };
        held.Roles.Add(new ContractRole { CustomerId = hong.Id, Role = ContractRoleKind.Policyholder });
        held.Roles.Add(new ContractRole { CustomerId = hong.Id, Role = ContractRoleKind.Insured });
        held.Roles.Add(new ContractRole { CustomerId = spouse.Id, Role = ContractRoleKind.Beneficiary, SharePercent = 100 });
        held.Riders.Add(new ContractRider { CustomerId = hong.Id, ProductId = cancer.Id, SumAssured = 30_000_000, Premium = 21_000 });
        var spouseContract = new Contract
        {
            ContractNumber = "L2019000777", ProductId = whole.Id, CustomerId = spouse.Id, SumAssured = 50_000_000, Premium = 98_000,
            PaymentMode = PaymentMode.Monthly, PaymentMethod = PaymentMethod.Card, IssueDate = new(2019, 7, 10),
            SellingAgentId = gone.Id, ServicingAgentId = gone.Id, Channel = SalesChannel.Fc, Status = ContractStatus.InForce, StatusDate = new(2019, 7, 10),
        };
        spouseContract.Roles.Add(new ContractRole { CustomerId = spouse.Id, Role = ContractRoleKind.Policyholder });
        spouseContract.Roles.Add(new ContractRole { CustomerId = hong.Id, Role = ContractRoleKind.Insured });
        spouseContract.Roles.Add(new ContractRole { CustomerId = spouse.Id, Role = ContractRoleKind.Beneficiary, SharePercent = 100 });
        db.Contracts.AddRange(held, spouseContract);
        await db.SaveChangesAsync();

        db.ContractStatusChanges.AddRange(
            new ContractStatusChange { ContractId = held.Id, CustomerId = hong.Id, ToStatus = ContractStatus.Applied, EffectiveDate = new(2024, 1, 20), RecordedAt = Now },
            new ContractStatusChange { ContractId = held.Id, CustomerId = hong.Id, FromStatus = ContractStatus.Applied, ToStatus = ContractStatus.InForce, EffectiveDate = new(2024, 2, 1), RecordedAt = Now });
        db.Claims.Add(new Claim { ClaimNumber = "CL-0001", ContractId = held.Id, CustomerId = hong.Id, Cause = "hospital", ClaimDate = new(2025, 4, 3), PaidDate = new(2025, 4, 10), AmountPaid = 1_200_000 });
        db.Loans.Add(new Loan
        {
            LoanNumber = "LN-0001", CustomerId = hong.Id, ProductId = loanProduct.Id, Principal = 5_000_000, Rate = 0.0525m, Balance = 3_000_000,
            StartDate = new(2025, 1, 5), MaturityDate = new(2028, 1, 5), Status = LoanStatus.Active, StatusDate = new(2025, 1, 5), AgentId = agent.Id,
        });
        var household = new Household { Name = "홍길동 가구", CreatedAt = Now };
        household.Members.Add(new HouseholdMember { CustomerId = hong.Id, Role = HouseholdRole.Head });
        household.Members.Add(new HouseholdMember { CustomerId = spouse.Id, Role = HouseholdRole.Spouse });
        db.Households.Add(household);
        db.CustomerRelationships.Add(new CustomerRelationship { CustomerId = hong.Id, RelatedCustomerId = spouse.Id, Kind = RelationshipKind.Spouse });
        db.MarketingConsents.AddRange(
            new MarketingConsent { CustomerId = hong.Id, Channel = ContactChannel.Sms, Granted = true, Source = "branch", RecordedAt = Now.AddDays(-30), EffectiveFrom = new(2026, 1, 31) },
            new MarketingConsent { CustomerId = hong.Id, Channel = ContactChannel.Sms, Granted = false, Source = "call-center", RecordedAt = Now.AddDays(-1), EffectiveFrom = new(2026, 3, 1) },
            new MarketingConsent { CustomerId = hong.Id, Channel = ContactChannel.Email, Granted = true, Source = "web", RecordedAt = Now.AddDays(-10), EffectiveFrom = new(2026, 2, 20) });
        db.Interactions.AddRange(
            new Interaction { CustomerId = hong.Id, OccurredAt = Now.AddDays(-40), Channel = InteractionChannel.Visit, Direction = InteractionDirection.Outbound, Purpose = InteractionPurpose.CoverageCheck, Outcome = InteractionOutcome.Completed, AgentId = agent.Id },
            new Interaction { CustomerId = hong.Id, OccurredAt = Now.AddDays(-2), Channel = InteractionChannel.PhoneIn, Direction = InteractionDirection.Inbound, Purpose = InteractionPurpose.Inquiry, Outcome = InteractionOutcome.Completed, StaffUser = "callcenter" });
        db.IdentityMerges.Add(new IdentityMerge { SurvivorId = hong.Id, MergedId = duplicate.Id, Rule = MergeRule.SameRrn, MergedAt = Now, MergedBy = "system" });
        await db.SaveChangesAsync();

        return new SeededFamily(hong.Id, spouse.Id, duplicate.Id, agent.Id, gone.Id, branch.Id, held.ContractNumber, spouseContract.ContractNumber,
            "01012345678", rrn.Formatted, rrn.Masked);
    }

    /// <summary>Adds customers with the given names in one save (for paging); returns their ids.</summary>
    public static async Task<List<long>> AddNamedAsync(CrmDbContext db, IEnumerable<string> names)
    {
        var customers = names.Select(n => new Customer { Name = n, NameScript = NameScript.Hangul, CreatedAt = Now, UpdatedAt = Now }).ToList();
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync();
        return [.. customers.Select(c => c.Id)];
    }

    public static FieldProtector Protector() => new(new ProtectionOptions
    {
        ActiveKeyId = "t1",
        Keys = new() { ["t1"] = Convert.ToBase64String(new byte[32]) },
        HashKey = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()),
    });

    private static Customer Person(string name, DateOnly birth, Gender gender, FieldProtector protector, Rrn rrn) => new()
    {
        Kind = CustomerKind.Individual,
        Name = name,
        NameScript = NameScript.Hangul,
        BirthDate = birth,
        Gender = gender,
        RrnCipher = protector.Encrypt(rrn.Digits),
        RrnHash = protector.Hash(rrn.Digits),
        RrnMasked = rrn.Masked,
        MaritalStatus = MaritalStatus.Married,
        IncomeBand = IncomeBand.From4000To6000,
        PreferredContactTime = ContactTime.Evening,
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
