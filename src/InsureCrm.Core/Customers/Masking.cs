using System.Globalization;
using System.Text.Json.Serialization;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Customers;

/// <summary>
/// The masked forms shown and exported everywhere: RRN 900101-1******, phone 010-****-5678, e-mail
/// g***@example.com. Names are shown to users whose scope holds the customer; address lines only to
/// roles that see contact data (<see cref="Capability.SeesContactData"/>).
/// </summary>
public static class Masking
{
    /// <summary>900101-1******: birth date and the gender digit stay, the serial goes.</summary>
    public static string Rrn(string rrn) => Customers.Rrn.Mask(rrn);

    /// <summary>010-****-5678: only the area code and the last four digits stay.</summary>
    public static string Phone(string digits) => SearchText.MaskPhone(digits);

    /// <summary>
    /// 홍*동, 남**수, J**n S***h: each word keeps its first and last letter (a two-letter word its first), for places that
    /// leave the CRM — a phone's calendar — where the agent only needs to recognise whom an entry is about.
    /// </summary>
    public static string Name(string name) =>
        string.Join(' ', (name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(MaskWord));

    private static string MaskWord(string word)
    {
        var letters = System.Globalization.StringInfo.ParseCombiningCharacters(word);
        string At(int i) => System.Globalization.StringInfo.GetNextTextElement(word, letters[i]);
        return letters.Length switch
        {
            1 => word,
            2 => At(0) + "*",
            _ => At(0) + new string('*', letters.Length - 2) + At(letters.Length - 1),
        };
    }

    /// <summary>g***@example.com: the first character of the local part and the domain stay.</summary>
    public static string Email(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : string.Concat(address.AsSpan(0, 1), "***", address.AsSpan(at));
    }
}

/// <summary>The identifiers a permitted user may see in full, one at a time.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnmaskField>))]
public enum UnmaskField { Rrn, Phone, Email }

/// <summary>
/// Asks to see one field in full. <see cref="Reason"/> is an <see cref="AccessReason"/> code (with
/// <see cref="Note"/> for "other"); <see cref="ItemId"/> picks a phone or e-mail (default: the primary one).
/// </summary>
public sealed record UnmaskRequest(UnmaskField Field, string? Reason, string? Note = null, long? ItemId = null);

public enum UnmaskStatus { Shown, Forbidden, ReasonRequired, NotFound }

/// <summary>The full value when <see cref="Status"/> is <see cref="UnmaskStatus.Shown"/>.</summary>
public sealed record UnmaskResult(UnmaskStatus Status, UnmaskField Field, string? Value);

/// <summary>
/// Unmasking: agents, CS consultants and branch managers for customers in their scope, call center and
/// compliance for any customer; always with a reason, always logged as <see cref="AccessAction.Unmask"/>.
/// A customer out of scope, unknown, or without the field answers <see cref="UnmaskStatus.NotFound"/>.
/// </summary>
public sealed class CustomerUnmask(CrmDbContext db, CustomerScope scope, FieldProtector protector, IAccessLog log)
{
    public async Task<UnmaskResult> UnmaskAsync(CrmUser user, long customerId, UnmaskRequest request, CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CustomersUnmask))
        {
            return new(UnmaskStatus.Forbidden, request.Field, null);
        }
        var reason = AccessReason.Compose(request.Reason, request.Note);
        if (reason is null)
        {
            return new(UnmaskStatus.ReasonRequired, request.Field, null);
        }
        if (await scope.CheckAsync(user, customerId, $"unmask {request.Field}", reason, ct) != Reach.Allowed)
        {
            return new(UnmaskStatus.NotFound, request.Field, null);
        }
        string? value;
        switch (request.Field)
        {
            case UnmaskField.Rrn:
                var cipher = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.RrnCipher).FirstOrDefaultAsync(ct);
                value = cipher is null ? null : Customers.Rrn.Format(protector.Decrypt(cipher));
                break;
            case UnmaskField.Phone:
                var phone = await db.CustomerPhones.AsNoTracking()
                    .Where(p => p.CustomerId == customerId && (request.ItemId == null || p.Id == request.ItemId))
                    .OrderByDescending(p => p.IsPrimary).ThenBy(p => p.Id).Select(p => p.Number).FirstOrDefaultAsync(ct);
                value = phone is null ? null : SearchText.FormatPhone(phone);
                break;
            case UnmaskField.Email:
                value = await db.CustomerEmails.AsNoTracking()
                    .Where(e => e.CustomerId == customerId && (request.ItemId == null || e.Id == request.ItemId))
                    .OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefaultAsync(ct);
                break;
            default:
                return new(UnmaskStatus.NotFound, request.Field, null);
        }
        if (value is null)
        {
            return new(UnmaskStatus.NotFound, request.Field, null);
        }
        var detail = "field=" + request.Field.ToString().ToLowerInvariant()
            + (request.ItemId is { } item ? "#" + item.ToString(CultureInfo.InvariantCulture) : "");
        await log.RecordAsync(user, new AccessEvent(AccessAction.Unmask, customerId, reason, detail), ct);
        return new(UnmaskStatus.Shown, request.Field, value);
    }
}
