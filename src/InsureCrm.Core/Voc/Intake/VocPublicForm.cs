using System.Net;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace InsureCrm.Core.Voc.Intake;

/// <summary>One submission of the public form (<c>/voice</c>): what the person wrote and the guard's fields.</summary>
public sealed record VocPublicSubmission(
    string? Type, string? Text, string? Name, string? Phone, string? Email, string? ContractNumber, bool Consent,
    string? Token, string? Honeypot, IPAddress? Client);

public enum VocPublicOutcome
{
    /// <summary>A case was opened (or, for a bot that filled the honeypot, the same thanks with nothing stored: <see cref="VocPublicResult.Number"/> null).</summary>
    Opened,
    /// <summary>The guard refused it (<see cref="VocPublicResult.Refusal"/>): nothing stored, the text stays in the form.</summary>
    Refused,
    /// <summary>Something the person wrote is wrong (<see cref="VocPublicResult.Errors"/>, codes for the page's words).</summary>
    Invalid,
}

/// <summary>What became of a submission; the answer due time in UTC.</summary>
public sealed record VocPublicResult(
    VocPublicOutcome Outcome, string? Number = null, DateTime? FirstResponseDueAt = null, DateTime? ResolutionDueAt = null,
    PublicFormRefusal Refusal = PublicFormRefusal.None, TimeSpan? RetryAfter = null, IReadOnlyList<string>? Errors = null)
{
    public IReadOnlyList<string> ErrorList => Errors ?? [];
}

/// <summary>
/// The public web form for customers without an account (issue 16, docs/voc.md "Channels"): checks what was written first
/// (type, text within the intake's limit, consent, the optional contact's shape) so that a mistake costs no form token, then
/// the CAPTCHA-free guard (<see cref="PublicFormGuard"/>), then opens the case through <see cref="VocIntake"/> as channel
/// WebForm. The person is linked to a customer only when the contract number and the phone or e-mail given belong to the same
/// customer (anybody can type a phone number); otherwise their details are kept encrypted for a later match. The text is
/// stored as typed: pages encode it.
/// </summary>
internal sealed class VocPublicForm(CrmDbContext db, VocIntake intake, PublicFormGuard guard, VocCustomerMatch match, ILogger<VocPublicForm> logger)
{
    public static readonly IReadOnlyList<VocType> Types = [VocType.Complaint, VocType.Inquiry, VocType.Suggestion, VocType.Compliment];

    public const int MaxNameLength = 50;

    public string IssueToken() => guard.IssueToken();

    public string HoneypotField => guard.HoneypotField;

    /// <summary>Every mistake at once, as codes: <c>type.missing</c>, <c>text.empty</c>, <c>text.too-long</c>, <c>consent.missing</c>, <c>name.too-long</c>, <c>phone.invalid</c>, <c>email.invalid</c>, <c>contract.invalid</c>.</summary>
    public static IReadOnlyList<string> Check(VocPublicSubmission s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var errors = new List<string>();
        if (!Enum.TryParse<VocType>(s.Type, ignoreCase: true, out var type) || !Types.Contains(type) || int.TryParse(s.Type, out _))
        {
            errors.Add("type.missing");
        }
        var text = s.Text?.Trim() ?? "";
        if (text.Length == 0)
        {
            errors.Add("text.empty");
        }
        else if (text.Length > VocIntake.MaxTextLength)
        {
            errors.Add("text.too-long");
        }
        if (s.Name?.Trim() is { Length: > MaxNameLength })
        {
            errors.Add("name.too-long");
        }
        if (!string.IsNullOrWhiteSpace(s.Phone) && !PhoneNumber.IsWhole(PhoneNumber.Digits(s.Phone)))
        {
            errors.Add("phone.invalid");
        }
        if (!string.IsNullOrWhiteSpace(s.Email) && !EmailAddress.IsValid(s.Email.Trim()))
        {
            errors.Add("email.invalid");
        }
        if (s.ContractNumber?.Trim() is { Length: > 20 })
        {
            errors.Add("contract.invalid");
        }
        if (!s.Consent)
        {
            errors.Add("consent.missing");
        }
        return errors;
    }

    public async Task<VocPublicResult> SubmitAsync(VocPublicSubmission s, CancellationToken ct = default)
    {
        var errors = Check(s);
        if (errors.Count > 0)
        {
            return new(VocPublicOutcome.Invalid, Errors: errors);
        }
        var verdict = await guard.CheckAsync(new PublicFormSubmission(s.Client, s.Token, s.Honeypot, s.Text), ct);
        if (verdict.PretendAccepted)
        {
            logger.LogInformation("VOC public form: honeypot filled; nothing stored");
            return new(VocPublicOutcome.Opened);
        }
        if (!verdict.Accepted)
        {
            logger.LogInformation("VOC public form refused: {Refusal}", verdict.Refusal);
            return new(VocPublicOutcome.Refused, Refusal: verdict.Refusal, RetryAfter: verdict.RetryAfter);
        }
        var customer = await MatchAsync(s, ct);
        var request = new VocIntakeRequest(VocChannel.WebForm, Enum.Parse<VocType>(s.Type!, ignoreCase: true), null, VocSeverity.Normal, null, s.Text)
        {
            CustomerId = customer.CustomerId,
            ContractId = customer.ContractId,
            Contact = customer.CustomerId is null ? new VocContact(Clean(s.Name), Clean(s.Phone), Clean(s.Email)) : null,
        };
        var result = await intake.OpenAsync(request, null, ct);
        if (result.Status != VocIntakeStatus.Opened)
        {
            return new(VocPublicOutcome.Invalid, Errors: result.ErrorList.Select(e => e.Code).DefaultIfEmpty("text.empty").ToList());
        }
        var due = await db.VocCases.AsNoTracking().Where(c => c.Id == result.CaseId)
            .Select(c => new { c.FirstResponseDueAt, c.ResolutionDueAt }).SingleAsync(ct);
        return new(VocPublicOutcome.Opened, result.Number, due.FirstResponseDueAt, due.ResolutionDueAt);
    }

    private async Task<VocCustomerMatchResult> MatchAsync(VocPublicSubmission s, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(s.ContractNumber) || (string.IsNullOrWhiteSpace(s.Phone) && string.IsNullOrWhiteSpace(s.Email)))
        {
            return VocCustomerMatchResult.None;
        }
        var byContract = await match.MatchAsync(null, null, s.ContractNumber, null, ct);
        var byContact = await match.MatchAsync(null, s.Phone, null, s.Email, ct);
        return byContract.CustomerId is { } id && byContact.CustomerId == id ? byContract : VocCustomerMatchResult.None;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
