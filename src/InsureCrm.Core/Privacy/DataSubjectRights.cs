using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using InsureCrm.Core.Agents;
using InsureCrm.Core.Common;
using InsureCrm.Core.Contact;
using InsureCrm.Core.Customers;
using InsureCrm.Core.Identity;
using InsureCrm.Core.Interactions;
using InsureCrm.Core.Policies;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InsureCrm.Core.Privacy;

public enum SubjectStatus { Ok, Forbidden, NotFound, Invalid, Conflict, Refused }

/// <summary>
/// The outcome of a data-subject action: on <see cref="SubjectStatus.Invalid"/> the errors by field, on
/// <see cref="SubjectStatus.Refused"/> the message and the contracts or loans that block it, on
/// <see cref="SubjectStatus.Conflict"/> the current version.
/// </summary>
public sealed record SubjectResult<T>(
    SubjectStatus Status, T? Value, IReadOnlyDictionary<string, string[]> Errors, string? Message, IReadOnlyList<string> Blockers, int CurrentVersion);

/// <summary>Factories of <see cref="SubjectResult{T}"/>.</summary>
public static class SubjectResult
{
    private static readonly Dictionary<string, string[]> NoErrors = [];
    public static SubjectResult<T> Ok<T>(T value) => new(SubjectStatus.Ok, value, NoErrors, null, [], 0);
    public static SubjectResult<T> Forbidden<T>() => new(SubjectStatus.Forbidden, default, NoErrors, null, [], 0);
    public static SubjectResult<T> NotFound<T>() => new(SubjectStatus.NotFound, default, NoErrors, null, [], 0);
    public static SubjectResult<T> Invalid<T>(Dictionary<string, string[]> errors) => new(SubjectStatus.Invalid, default, errors, null, [], 0);
    public static SubjectResult<T> Conflict<T>(int current) => new(SubjectStatus.Conflict, default, NoErrors, null, [], current);
    public static SubjectResult<T> Refused<T>(string message, IReadOnlyList<string>? blockers = null) =>
        new(SubjectStatus.Refused, default, NoErrors, message, blockers ?? [], 0);
}

/// <summary>A masked summary of the customer for the compliance page.</summary>
public sealed record SubjectSummary(
    long Id, string Name, CustomerKind Kind, string? RrnMasked, DateOnly? BirthDate, Gender Gender, int Version,
    IReadOnlyList<IdentifierView> Identifiers, IReadOnlyList<string> ActiveContracts, SubjectErasureView? Erasure);

public sealed record SubjectErasureView(DateTime RequestedAt, string ErasedFields, DateOnly PurgeDue, DateTime? PurgedAt);

/// <summary>The identity fields compliance may correct, read at <see cref="Version"/>. A null or empty RRN leaves it unchanged.</summary>
public sealed record IdentityCorrection(int Version, string? Name, DateOnly? BirthDate, Gender Gender, string? Rrn);

/// <summary>The outcome of a correction: the new version and the names (never values) of the fields changed.</summary>
public sealed record CorrectionOutcome(long CustomerId, int Version, IReadOnlyList<string> ChangedFields);

public sealed record ErasureOutcome(long CustomerId, string Pseudonym, IReadOnlyList<string> ErasedFields, DateOnly PurgeDue);

/// <summary>A file to download.</summary>
public sealed record SubjectFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// One use or provision of the customer's data, as the customer may see it: the role and organisation
/// unit of the person (never their name), when, what, why.
/// </summary>
public sealed record UsageEntry(DateTime At, Role Role, string? OrgUnit, AccessAction Action, string? Reason, string? Detail, bool Provision);

public sealed record UsageReport(long CustomerId, DateTime From, DateTime To, IReadOnlyList<UsageEntry> Entries)
{
    public const string Csv = "text/csv";

    /// <summary>RFC 4180 CSV (UTF-8 with BOM so spreadsheet programs read Hangul), times in UTC ISO 8601.</summary>
    public byte[] ToCsv()
    {
        var sb = new StringBuilder("at_utc,role,org_unit,action,provision,reason,detail\r\n");
        foreach (var e in Entries)
        {
            sb.Append(e.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',')
                .Append(e.Role).Append(',').Append(Quote(e.OrgUnit)).Append(',').Append(e.Action).Append(',')
                .Append(e.Provision ? "yes" : "no").Append(',').Append(Quote(e.Reason)).Append(',').Append(Quote(e.Detail)).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    private static string Quote(string? value) => CsvCell.Quoted(value);
}

/// <summary>
/// Data-subject rights (PIPA arts. 35-37, Credit Information Act): export of everything held about a
/// customer, correction of identity fields, erasure with legal retention kept apart, and the report of how
/// the data was used or provided. Only the Compliance role may act, every action needs a reason, and each
/// is written to the access log with that reason.
/// </summary>
internal sealed class DataSubjectRights(
    CrmDbContext db, FieldProtector protector, ICurrentUser currentUser, IAccessLog accessLog, TimeProvider clock, IOptions<PrivacyOptions> options,
    ConsentService consents)
{
    /// <summary>The source of the consent withdrawals an erasure records.</summary>
    private const string ErasureConsentSource = "erasure";

    public const int UsageYears = 3;
    public const string PseudonymPrefix = "탈퇴고객-";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly ContractStatus[] OpenContract =
        [ContractStatus.Applied, ContractStatus.InForce, ContractStatus.Reinstated, ContractStatus.PaidUp];

    private static readonly LoanStatus[] OpenLoan = [LoanStatus.Active, LoanStatus.Delinquent];

    /// <summary>The pseudonym that replaces an erased customer's name.</summary>
    public static string Pseudonym(long customerId) => PseudonymPrefix + customerId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The masked summary shown on the compliance page; logged as a view with the reason.</summary>
    public async Task<SubjectResult<SubjectSummary>> SummaryAsync(long customerId, string? reason, CancellationToken ct = default)
    {
        if (Check(reason) is { } refusal)
        {
            return refusal.As<SubjectSummary>();
        }
        var c = await db.Customers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == customerId && x.MergedIntoId == null, ct);
        if (c is null)
        {
            return SubjectResult.NotFound<SubjectSummary>();
        }
        var identifiers = await db.Set<CustomerIdentifier>().AsNoTracking().Where(i => i.CustomerId == customerId)
            .OrderBy(i => i.Kind).ThenBy(i => i.Id).ToListAsync(ct);
        var erasure = await db.Set<CustomerErasure>().AsNoTracking().FirstOrDefaultAsync(e => e.CustomerId == customerId, ct);
        var blockers = await BlockersAsync(customerId, ct);
        await LogAsync(new AccessEvent(AccessAction.View, customerId, reason!.Trim(), "data-subject summary"), ct);
        return SubjectResult.Ok<SubjectSummary>(new SubjectSummary(c.Id, c.Name, c.Kind, c.RrnMasked, c.BirthDate, c.Gender, c.Version,
            [.. identifiers.Select(CustomerIdentifiers.ToView)], blockers,
            erasure is null ? null : new SubjectErasureView(erasure.RequestedAt, erasure.ErasedFields, erasure.PurgeDue, erasure.PurgedAt)));
    }

    /// <summary>Everything held about the customer as a JSON file, RRN and identifiers decrypted; logged as a download.</summary>
    public async Task<SubjectResult<SubjectFile>> ExportAsync(long customerId, string? reason, CancellationToken ct = default)
    {
        if (Check(reason) is { } refusal)
        {
            return refusal.As<SubjectFile>();
        }
        var export = await BuildExportAsync(customerId, ct);
        if (export is null)
        {
            return SubjectResult.NotFound<SubjectFile>();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var fileName = string.Create(CultureInfo.InvariantCulture, $"subject-{customerId}-{now:yyyyMMdd}.json");
        await LogAsync(new AccessEvent(AccessAction.Download, customerId, reason!.Trim(), "data-subject export " + fileName), ct);
        return SubjectResult.Ok<SubjectFile>(new SubjectFile(fileName, "application/json", JsonSerializer.SerializeToUtf8Bytes(export, Json)));
    }

    /// <summary>Corrects name, birth date, gender and RRN under optimistic concurrency; the RRN is re-encrypted, re-hashed and re-masked.</summary>
    public async Task<SubjectResult<CorrectionOutcome>> CorrectAsync(long customerId, IdentityCorrection correction, string? reason, CancellationToken ct = default)
    {
        if (Check(reason) is { } refusal)
        {
            return refusal.As<CorrectionOutcome>();
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = (correction.Name ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["A name has 1 to 100 characters."];
        }
        if (!Enum.IsDefined(correction.Gender))
        {
            errors["gender"] = ["Unknown gender."];
        }
        Rrn? rrn = null;
        if (!string.IsNullOrWhiteSpace(correction.Rrn))
        {
            if (!Rrn.TryParse(correction.Rrn, out rrn, out var rrnError))
            {
                errors["rrn"] = [rrnError];
            }
            else if (rrn.Value.ConflictWith(correction.BirthDate, correction.Gender) is not RrnConflict.None and var conflict)
            {
                // One message under the RRN: the birth date's when both disagree.
                errors["rrn"] = [conflict.HasFlag(RrnConflict.BirthDate)
                    ? "The RRN's first six digits do not match the birth date."
                    : "The RRN's seventh digit does not match the gender."];
            }
        }
        if (errors.Count > 0)
        {
            return SubjectResult.Invalid<CorrectionOutcome>(errors);
        }
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == customerId && c.MergedIntoId == null, ct);
        if (customer is null)
        {
            return SubjectResult.NotFound<CorrectionOutcome>();
        }
        if (await db.Set<CustomerErasure>().AnyAsync(e => e.CustomerId == customerId, ct))
        {
            return SubjectResult.Refused<CorrectionOutcome>("The customer was erased; their identity cannot be corrected.");
        }
        if (customer.Version != correction.Version)
        {
            return SubjectResult.Conflict<CorrectionOutcome>(customer.Version);
        }
        db.Entry(customer).Property(c => c.Version).OriginalValue = correction.Version;

        var changed = new List<string>();
        if (customer.Name != name)
        {
            customer.Name = name;
            customer.NameScript = CustomerName.ScriptOf(name);
            changed.Add("name");
        }
        if (customer.BirthDate != correction.BirthDate)
        {
            customer.BirthDate = correction.BirthDate;
            changed.Add("birthDate");
        }
        if (customer.Gender != correction.Gender)
        {
            customer.Gender = correction.Gender;
            changed.Add("gender");
        }
        if (rrn is { } r && customer.RrnHash != protector.Hash(r.Digits))
        {
            customer.RrnCipher = protector.Encrypt(r.Digits);
            customer.RrnHash = protector.Hash(r.Digits);
            customer.RrnMasked = r.Masked;
            changed.Add("rrn");
        }
        if (changed.Count == 0)
        {
            return SubjectResult.Ok<CorrectionOutcome>(new CorrectionOutcome(customerId, customer.Version, []));
        }
        customer.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.Version).FirstOrDefaultAsync(ct);
            return SubjectResult.Conflict<CorrectionOutcome>(current);
        }
        await LogAsync(new AccessEvent(AccessAction.Change, customerId, reason!.Trim(), "corrected: " + string.Join(',', changed)), ct);
        return SubjectResult.Ok<CorrectionOutcome>(new CorrectionOutcome(customerId, customer.Version, changed));
    }

    /// <summary>
    /// Erases (anonymises) a customer whose relationship has ended: optional data at once, the name
    /// replaced by a pseudonym; contracts, claims and the RRN ciphertext kept apart until the retention
    /// date, when <see cref="DataSubjectPurge"/> removes the rest. Refused while a contract or loan is open.
    /// </summary>
    public async Task<SubjectResult<ErasureOutcome>> EraseAsync(long customerId, string? reason, CancellationToken ct = default)
    {
        if (Check(reason) is { } refusal)
        {
            return refusal.As<ErasureOutcome>();
        }
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var customer = await db.Customers.Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Addresses)
                .AsSplitQuery().FirstOrDefaultAsync(c => c.Id == customerId && c.MergedIntoId == null, ct);
            if (customer is null)
            {
                return SubjectResult.NotFound<ErasureOutcome>();
            }
            if (await db.Set<CustomerErasure>().AnyAsync(e => e.CustomerId == customerId, ct))
            {
                return SubjectResult.Refused<ErasureOutcome>("The customer was already erased.");
            }
            var blockers = await BlockersAsync(customerId, ct);
            if (blockers.Count > 0)
            {
                return SubjectResult.Refused<ErasureOutcome>(
                    "The relationship has not ended: these contracts or loans are still open.", blockers);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var today = DateOnly.FromDateTime(now);
            var ended = await RelationshipEndAsync(customerId, ct);
            var purgeDue = StoredRanges.AddYearsSaturating(ended ?? today, options.Value.RetentionYears);
            var erased = new List<string>();
            void Erased(bool had, string field)
            {
                if (had)
                {
                    erased.Add(field);
                }
            }

            var oldName = customer.Name;
            Erased(customer.Phones.Count > 0, "phones");
            db.CustomerPhones.RemoveRange(customer.Phones);
            Erased(customer.Emails.Count > 0, "emails");
            db.CustomerEmails.RemoveRange(customer.Emails);
            Erased(customer.Addresses.Count > 0, "addresses");
            db.CustomerAddresses.RemoveRange(customer.Addresses);
            Erased(customer.Occupation is not null, "occupation");
            customer.Occupation = null;
            Erased(customer.IncomeBand != IncomeBand.Unknown, "incomeBand");
            customer.IncomeBand = IncomeBand.Unknown;
            Erased(customer.MaritalStatus != MaritalStatus.Unknown, "maritalStatus");
            customer.MaritalStatus = MaritalStatus.Unknown;
            Erased(customer.Children is not null, "children");
            customer.Children = null;
            Erased(customer.PreferredChannel is not null, "preferredChannel");
            customer.PreferredChannel = null;
            Erased(customer.PreferredContactTime != ContactTime.Any, "preferredContactTime");
            customer.PreferredContactTime = ContactTime.Any;
            customer.Name = Pseudonym(customerId);
            customer.NameScript = NameScript.Hangul;
            // The RRN ciphertext stays for the legal retention period, but its search hash goes now: an
            // erased person must not be found by RRN, nor have a later record merged into them by identity
            // resolution (which matches on the hash).
            Erased(customer.RrnHash is not null, "rrnSearchHash");
            customer.RrnHash = null;
            customer.UpdatedAt = now;
            erased.Insert(0, "name");

            // Append-only tables change outside the change tracker: an erasure is the one lawful edit of them.
            Erased(await db.Set<CustomerIdentifier>().Where(i => i.CustomerId == customerId).ExecuteDeleteAsync(ct) > 0, "identifiers");
            Erased(await db.Interactions.Where(i => i.CustomerId == customerId && i.Notes != null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Notes, (string?)null), ct) > 0, "interactionNotes");
            Erased(await consents.WithdrawEveryGrantAsync(db, customerId, ErasureConsentSource, ct) > 0, "marketingConsents");

            var memberships = await db.HouseholdMembers.Where(h => h.CustomerId == customerId).ToListAsync(ct);
            var householdIds = memberships.Select(m => m.HouseholdId).ToList();
            foreach (var household in await db.Households.Where(h => householdIds.Contains(h.Id)).ToListAsync(ct))
            {
                if (oldName.Length > 0 && household.Name.Contains(oldName, StringComparison.Ordinal))
                {
                    household.Name = string.Create(CultureInfo.InvariantCulture, $"가구-{household.Id}");
                }
            }
            db.HouseholdMembers.RemoveRange(memberships);
            Erased(memberships.Count > 0, "households");
            var relationships = await db.CustomerRelationships
                .Where(r => r.CustomerId == customerId || r.RelatedCustomerId == customerId).ToListAsync(ct);
            db.CustomerRelationships.RemoveRange(relationships);
            Erased(relationships.Count > 0, "relationships");

            var trimmedReason = reason!.Trim();
            db.Set<CustomerErasure>().Add(new CustomerErasure
            {
                CustomerId = customerId, RequestedAt = now, RequestedBy = currentUser.User!.UserName, Reason = trimmedReason,
                ErasedFields = string.Join(',', erased), PurgeDue = purgeDue,
            });
            db.Set<CustomerRetention>().Add(new CustomerRetention
            {
                CustomerId = customerId,
                Reason = ended is null
                    ? "No contract or loan: identity kept only until the next purge."
                    : "Contracts, claims and the RRN kept after the relationship ended (Commercial Act, Credit Information Act).",
                RetainUntil = purgeDue,
                CreatedAt = now,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            await LogAsync(new AccessEvent(AccessAction.Erase, customerId, trimmedReason, "erased: " + string.Join(',', erased)), ct);
            return SubjectResult.Ok<ErasureOutcome>(new ErasureOutcome(customerId, customer.Name, erased, purgeDue));
        });
    }

    /// <summary>How the customer's data was used or provided over the last <see cref="UsageYears"/> years; viewing it is logged.</summary>
    public async Task<SubjectResult<UsageReport>> UsageAsync(long customerId, string? reason, CancellationToken ct = default)
    {
        if (Check(reason) is { } refusal)
        {
            return refusal.As<UsageReport>();
        }
        if (!await db.Customers.AsNoTracking().AnyAsync(c => c.Id == customerId && c.MergedIntoId == null, ct))
        {
            return SubjectResult.NotFound<UsageReport>();
        }
        var to = clock.GetUtcNow().UtcDateTime;
        var from = to.AddYears(-UsageYears);
        var entries = await UsageEntriesAsync(customerId, from, ct);
        await LogAsync(new AccessEvent(AccessAction.View, customerId, reason!.Trim(), "data-subject usage report"), ct);
        return SubjectResult.Ok<UsageReport>(new UsageReport(customerId, from, to, entries));
    }

    private async Task<List<UsageEntry>> UsageEntriesAsync(long customerId, DateTime? from, CancellationToken ct)
    {
        // A refused attempt on the id (AccessAction.Denied) used none of the subject's data: the access review shows it.
        var log = db.AccessLog.AsNoTracking().Where(a => a.CustomerId == customerId && a.Action != AccessAction.Denied);
        if (from is { } f)
        {
            log = log.Where(a => a.At >= f);
        }
        var rows = await log
            .GroupJoin(db.Users.AsNoTracking(), a => a.UserId, u => (long?)u.Id, (a, us) => new { a, us })
            .SelectMany(x => x.us.DefaultIfEmpty(), (x, u) => new { x.a, BranchId = u == null ? null : u.BranchId })
            .GroupJoin(db.Branches.AsNoTracking(), x => x.BranchId, b => (long?)b.Id, (x, bs) => new { x, bs })
            .SelectMany(x => x.bs.DefaultIfEmpty(), (x, b) => new
            {
                x.x.a.At, x.x.a.Role, x.x.a.Action, x.x.a.Reason, x.x.a.Detail, x.x.a.Id, Branch = b == null ? null : b.Name,
            })
            .OrderByDescending(x => x.At).ThenByDescending(x => x.Id)
            .ToListAsync(ct);
        return [.. rows.Select(r => new UsageEntry(r.At, r.Role, r.Branch, r.Action, r.Reason, r.Detail,
            r.Action is AccessAction.Download or AccessAction.Export or AccessAction.Print))];
    }

    private async Task<SubjectExport?> BuildExportAsync(long id, CancellationToken ct)
    {
        var c = await db.Customers.AsNoTracking()
            .Include(x => x.Phones).Include(x => x.Emails).Include(x => x.Addresses).Include(x => x.SourceKeys)
            .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id && x.MergedIntoId == null, ct);
        if (c is null)
        {
            return null;
        }
        var memberships = await db.HouseholdMembers.AsNoTracking().Where(m => m.CustomerId == id)
            .Join(db.Households.AsNoTracking(), m => m.HouseholdId, h => h.Id, (m, h) => new ExportHousehold(h.Id, h.Name, m.Role))
            .ToListAsync(ct);
        var relationships = await db.CustomerRelationships.AsNoTracking().Where(r => r.CustomerId == id)
            .Select(r => new ExportRelationship(r.RelatedCustomerId, r.Kind)).ToListAsync(ct);
        var contracts = await db.Contracts.AsNoTracking().Include(k => k.Roles).Include(k => k.Riders)
            .Where(k => k.CustomerId == id || k.Roles.Any(r => r.CustomerId == id))
            .OrderBy(k => k.IssueDate).ThenBy(k => k.Id).AsSplitQuery().ToListAsync(ct);
        var contractIds = contracts.Select(k => k.Id).ToList();
        var history = (await db.ContractStatusChanges.AsNoTracking().Where(h => contractIds.Contains(h.ContractId))
            .OrderBy(h => h.EffectiveDate).ThenBy(h => h.Id).ToListAsync(ct)).ToLookup(h => h.ContractId);
        var claims = (await db.Claims.AsNoTracking().Where(x => contractIds.Contains(x.ContractId))
            .OrderBy(x => x.ClaimDate).ThenBy(x => x.Id).ToListAsync(ct)).ToLookup(x => x.ContractId);
        var loans = await db.Loans.AsNoTracking().Where(l => l.CustomerId == id).OrderBy(l => l.StartDate).ThenBy(l => l.Id).ToListAsync(ct);
        var productIds = contracts.Select(k => k.ProductId).Concat(contracts.SelectMany(k => k.Riders).Select(r => r.ProductId))
            .Concat(loans.Select(l => l.ProductId)).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var interactions = await db.Interactions.AsNoTracking().Where(i => i.CustomerId == id)
            .OrderBy(i => i.OccurredAt).ThenBy(i => i.Id)
            .Select(i => new ExportInteraction(i.OccurredAt, i.Channel, i.Direction, i.Purpose, i.Outcome, i.Notes)).ToListAsync(ct);
        var consents = await db.MarketingConsents.AsNoTracking().Where(m => m.CustomerId == id)
            .OrderBy(m => m.RecordedAt).ThenBy(m => m.Id)
            .Select(m => new ExportConsent(m.Channel, m.Granted, m.NightTimeAllowed, m.Source, m.RecordedAt, m.EffectiveFrom, m.ExpiresOn))
            .ToListAsync(ct);
        var identifiers = await db.Set<CustomerIdentifier>().AsNoTracking().Where(i => i.CustomerId == id)
            .OrderBy(i => i.Kind).ThenBy(i => i.Id).ToListAsync(ct);
        var merges = await db.IdentityMerges.AsNoTracking().Where(m => m.SurvivorId == id || m.MergedId == id)
            .OrderBy(m => m.MergedAt).ThenBy(m => m.Id)
            .Select(m => new ExportMerge(m.SurvivorId, m.MergedId, m.Rule, m.MergedAt, m.UndoneAt)).ToListAsync(ct);
        var erasure = await db.Set<CustomerErasure>().AsNoTracking().FirstOrDefaultAsync(e => e.CustomerId == id, ct);
        var usage = await UsageEntriesAsync(id, null, ct);

        var exportContracts = contracts.Select(k =>
        {
            var roles = k.Roles.Where(r => r.CustomerId == id).Select(r => r.Role).ToList();
            if (k.CustomerId == id && !roles.Contains(ContractRoleKind.Policyholder))
            {
                roles.Insert(0, ContractRoleKind.Policyholder);
            }
            var product = products[k.ProductId];
            return new ExportContract(k.ContractNumber, product.Code, product.Name, [.. roles.Distinct().Order()],
                k.Roles.Where(r => r.CustomerId == id && r.SharePercent is not null).Select(r => r.SharePercent).FirstOrDefault(),
                k.Status, k.StatusDate, k.IssueDate, k.MaturityDate, k.SumAssured, k.Premium, k.Currency, k.PaymentMode, k.PaymentMethod, k.Channel,
                [.. k.Riders.Where(r => r.CustomerId == id || k.CustomerId == id).OrderBy(r => r.Id)
                    .Select(r => new ExportRider(products[r.ProductId].Code, products[r.ProductId].Name, r.SumAssured, r.Premium))],
                [.. history[k.Id].Select(h => new ExportStatusChange(h.FromStatus, h.ToStatus, h.EffectiveDate, h.Reason))],
                [.. claims[k.Id].Where(x => x.CustomerId == id || k.CustomerId == id)
                    .Select(x => new ExportClaim(x.ClaimNumber, x.Cause, x.ClaimDate, x.PaidDate, x.AmountPaid, x.Currency))]);
        }).ToList();

        return new SubjectExport(
            clock.GetUtcNow().UtcDateTime,
            c.Id,
            new ExportIdentity(c.Name, c.Kind, c.NameScript, c.RrnCipher is null ? null : Rrn.Format(protector.Decrypt(c.RrnCipher)), c.BusinessNumber,
                c.BirthDate, c.Gender, c.Occupation, c.IncomeBand, c.MaritalStatus, c.Children, c.PreferredChannel, c.PreferredContactTime,
                c.CreatedAt, c.UpdatedAt),
            new ExportContact(
                [.. c.Phones.OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => new ExportPhone(p.Kind, p.Number, p.IsPrimary))],
                [.. c.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => new ExportEmail(e.Address, e.IsPrimary))],
                [.. c.Addresses.OrderByDescending(a => a.IsPrimary).ThenBy(a => a.Id)
                    .Select(a => new ExportAddress(a.Kind, a.Sido, a.Sigungu, a.Line, a.PostalCode, a.IsPrimary))]),
            memberships, relationships, exportContracts,
            [.. loans.Select(l => new ExportLoan(l.LoanNumber, products[l.ProductId].Name, l.Principal, l.Rate, l.Balance, l.Currency,
                l.StartDate, l.MaturityDate, l.Status, l.StatusDate))],
            interactions, consents,
            [.. identifiers.Select(i => new ExportIdentifier(i.Kind, protector.Decrypt(i.Cipher), i.BankCode, i.RecordedAt))],
            merges,
            [.. c.SourceKeys.OrderBy(k => k.SourceSystem, StringComparer.Ordinal).ThenBy(k => k.SourceId, StringComparer.Ordinal)
                .Select(k => new SourceKeyView(k.SourceSystem, k.SourceId))],
            erasure is null ? null : new SubjectErasureView(erasure.RequestedAt, erasure.ErasedFields, erasure.PurgeDue, erasure.PurgedAt),
            usage);
    }

    /// <summary>Open contracts (in any role) and loans, by number: while any exists the relationship has not ended.</summary>
    private async Task<IReadOnlyList<string>> BlockersAsync(long customerId, CancellationToken ct)
    {
        var contracts = await db.Contracts.AsNoTracking()
            .Where(k => (k.CustomerId == customerId || k.Roles.Any(r => r.CustomerId == customerId)) && OpenContract.Contains(k.Status))
            .OrderBy(k => k.ContractNumber).Select(k => k.ContractNumber).ToListAsync(ct);
        var loans = await db.Loans.AsNoTracking().Where(l => l.CustomerId == customerId && OpenLoan.Contains(l.Status))
            .OrderBy(l => l.LoanNumber).Select(l => l.LoanNumber).ToListAsync(ct);
        return [.. contracts.Distinct(), .. loans];
    }

    /// <summary>The last status date of any contract or loan of the customer; null when they never had one.</summary>
    private async Task<DateOnly?> RelationshipEndAsync(long customerId, CancellationToken ct)
    {
        var contractEnd = await db.Contracts.AsNoTracking()
            .Where(k => k.CustomerId == customerId || k.Roles.Any(r => r.CustomerId == customerId))
            .MaxAsync(k => (DateOnly?)k.StatusDate, ct);
        var loanEnd = await db.Loans.AsNoTracking().Where(l => l.CustomerId == customerId).MaxAsync(l => (DateOnly?)l.StatusDate, ct);
        return contractEnd is null ? loanEnd : loanEnd is null || contractEnd > loanEnd ? contractEnd : loanEnd;
    }

    private Refusal? Check(string? reason)
    {
        if (currentUser.User is not { Role: Role.Compliance })
        {
            return new Refusal(SubjectStatus.Forbidden, null);
        }
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length is < 2 or > 500)
        {
            return new Refusal(SubjectStatus.Invalid, new() { ["reason"] = ["A reason of 2 to 500 characters is required."] });
        }
        return null;
    }

    private Task LogAsync(AccessEvent access, CancellationToken ct) => accessLog.RecordAsync(currentUser.User!, access, ct);

    private sealed record Refusal(SubjectStatus Status, Dictionary<string, string[]>? Errors)
    {
        public SubjectResult<T> As<T>() => Status == SubjectStatus.Invalid
            ? SubjectResult.Invalid<T>(Errors!)
            : SubjectResult.Forbidden<T>();
    }
}
