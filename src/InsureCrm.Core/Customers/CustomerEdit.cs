using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Core.Customers;

/// <summary>A phone as typed in the form or sent to the API: any format, normalised to digits on save.</summary>
public sealed record PhoneInput(PhoneKind Kind, string Number, bool IsPrimary = false);

/// <summary>A customer's primary address as corrected in the field (an agent's phone form, issue 14).</summary>
public sealed record AddressInput(AddressKind Kind, string? Sido, string? Sigungu, string? Line, string? PostalCode = null);

/// <summary>
/// The contact details a user may change in the field, with the <see cref="Version"/> they were read at.
/// <see cref="Phones"/> replaces all phones; an empty <see cref="Email"/> removes the primary email; a null
/// <see cref="Address"/> leaves the addresses as they are, otherwise it replaces the primary address.
/// </summary>
public sealed record CustomerContactUpdate(
    int Version,
    IReadOnlyList<PhoneInput> Phones,
    string? Email,
    ContactChannel? PreferredChannel,
    ContactTime PreferredContactTime,
    string? Occupation,
    AddressInput? Address = null);

public enum EditStatus { Saved, NotFound, Invalid, Conflict, Forbidden, ReasonRequired }

/// <summary>The outcome of an edit: on <see cref="EditStatus.Invalid"/> the errors by field, on success the new version.</summary>
public sealed record EditResult(EditStatus Status, int Version, IReadOnlyDictionary<string, string[]> Errors)
{
    private static readonly Dictionary<string, string[]> NoErrors = [];
    public static EditResult Saved(int version) => new(EditStatus.Saved, version, NoErrors);
    public static readonly EditResult NotFound = new(EditStatus.NotFound, 0, NoErrors);
    public static EditResult Conflict(int current) => new(EditStatus.Conflict, current, NoErrors);
    public static EditResult Invalid(Dictionary<string, string[]> errors) => new(EditStatus.Invalid, 0, errors);
    public static readonly EditResult Forbidden = new(EditStatus.Forbidden, 0, NoErrors);
    public static readonly EditResult ReasonRequired = new(EditStatus.ReasonRequired, 0, NoErrors);
}

/// <summary>
/// Edits a customer's contact details under optimistic concurrency: a request read at an older version
/// than the stored one is refused and nothing is written, so one user never silently overwrites another.
/// Only customers in the user's scope can be edited (others answer like unknown ids); a phone or e-mail
/// sent back in its masked form (010-****-5678, g***@example.com) keeps the stored value, so clients
/// never need the full numbers to edit. Every save is logged as a <see cref="AccessAction.Change"/>.
/// </summary>
public sealed class CustomerEdit(CrmDbContext db, TimeProvider clock, CustomerScope scope, IAccessLog log)
{
    public const int MaxPhones = 5;
    public const int MaxAddressLine = 200;

    /// <summary>Field-level checks; keys are the request's JSON field names (camelCase).</summary>
    public static Dictionary<string, string[]> Validate(CustomerContactUpdate update)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (update.Phones.Count > MaxPhones)
        {
            errors["phones"] = [$"At most {MaxPhones} phone numbers."];
        }
        for (var i = 0; i < update.Phones.Count; i++)
        {
            var digits = PhoneNumber.Digits(update.Phones[i].Number ?? "");
            var typed = update.Phones[i].Number ?? "";
            if (!PhoneNumber.IsWhole(digits) || typed.Any(c => !(char.IsAsciiDigit(c) || c is '-' or ' ' or '+' or '(' or ')' or '.')))
            {
                errors[$"phones[{i}].number"] = ["A phone number has 9 to 11 digits and starts with 0 (e.g. 010-1234-5678)."];
            }
            if (!Enum.IsDefined(update.Phones[i].Kind))
            {
                errors[$"phones[{i}].kind"] = ["Unknown phone kind."];
            }
        }
        if (update.Phones.Count(p => p.IsPrimary) > 1)
        {
            errors["phones"] = ["Only one phone can be primary."];
        }
        if (update.Email is { Length: > 0 } email && !EmailAddress.IsValid(email.Trim()))
        {
            errors["email"] = ["Not a valid email address."];
        }
        if (update.Address is { } address)
        {
            if (string.IsNullOrWhiteSpace(address.Sido) || address.Sido.Trim().Length > 20)
            {
                errors["address.sido"] = ["Required, at most 20 characters (e.g. 서울특별시)."];
            }
            if (string.IsNullOrWhiteSpace(address.Sigungu) || address.Sigungu.Trim().Length > 20)
            {
                errors["address.sigungu"] = ["Required, at most 20 characters (e.g. 강남구)."];
            }
            if (string.IsNullOrWhiteSpace(address.Line) || address.Line.Trim().Length > MaxAddressLine)
            {
                errors["address.line"] = [$"Required, at most {MaxAddressLine} characters."];
            }
            if (address.PostalCode is { Length: > 10 })
            {
                errors["address.postalCode"] = ["At most 10 characters."];
            }
            if (!Enum.IsDefined(address.Kind))
            {
                errors["address.kind"] = ["Unknown address kind."];
            }
        }
        if (update.Occupation is { Length: > 40 })
        {
            errors["occupation"] = ["At most 40 characters."];
        }
        if (update.PreferredChannel is { } channel && !Enum.IsDefined(channel))
        {
            errors["preferredChannel"] = ["Unknown channel."];
        }
        if (!Enum.IsDefined(update.PreferredContactTime))
        {
            errors["preferredContactTime"] = ["Unknown contact time."];
        }
        return errors;
    }

    /// <summary>Saves the contact details; <paramref name="reason"/> as for opening the customer (call center).</summary>
    public async Task<EditResult> UpdateContactAsync(CrmUser user, long customerId, CustomerContactUpdate update, string? reason = null,
        CancellationToken ct = default)
    {
        if (!user.Role.Allows(Capability.CustomersEdit))
        {
            return EditResult.Forbidden;
        }
        switch (await scope.CheckAsync(user, customerId, "change contact", reason, ct))
        {
            case Reach.ReasonRequired:
                return EditResult.ReasonRequired;
            case Reach.Allowed:
                break;
            default:
                return EditResult.NotFound;
        }
        var customer = await db.Customers.Include(c => c.Phones).Include(c => c.Emails).Include(c => c.Addresses)
            .AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == customerId && c.MergedIntoId == null, ct);
        if (customer is null)
        {
            return EditResult.NotFound;
        }
        update = Unmasked(update, customer);
        var errors = Validate(update);
        if (errors.Count > 0)
        {
            return EditResult.Invalid(errors);
        }
        if (customer.Version != update.Version)
        {
            return EditResult.Conflict(customer.Version);
        }
        // Between our read and our write someone else may still save: the UPDATE carries the version
        // the user saw, and affects no row if it moved on (DbUpdateConcurrencyException, whole save rolled back).
        db.Entry(customer).Property(c => c.Version).OriginalValue = update.Version;

        customer.Occupation = string.IsNullOrWhiteSpace(update.Occupation) ? null : update.Occupation.Trim();
        customer.PreferredChannel = update.PreferredChannel;
        customer.PreferredContactTime = update.PreferredContactTime;
        customer.UpdatedAt = clock.GetUtcNow().UtcDateTime;

        var wanted = update.Phones
            .Select(p => (p.Kind, Number: PhoneNumber.Digits(p.Number), p.IsPrimary))
            .DistinctBy(p => p.Number).ToList();
        if (wanted.Count > 0 && !wanted.Exists(p => p.IsPrimary))
        {
            wanted[0] = wanted[0] with { IsPrimary = true };
        }
        foreach (var phone in customer.Phones.ToList())
        {
            var match = wanted.FindIndex(w => w.Number == phone.Number);
            if (match < 0)
            {
                db.CustomerPhones.Remove(phone);
                customer.Phones.Remove(phone);
                continue;
            }
            phone.Kind = wanted[match].Kind;
            phone.IsPrimary = wanted[match].IsPrimary;
            wanted.RemoveAt(match);
        }
        foreach (var (kind, number, isPrimary) in wanted)
        {
            customer.Phones.Add(new CustomerPhone { CustomerId = customer.Id, Kind = kind, Number = number, IsPrimary = isPrimary });
        }

        var primaryEmail = customer.Emails.Find(e => e.IsPrimary) ?? customer.Emails.FirstOrDefault();
        var newEmail = update.Email?.Trim();
        if (string.IsNullOrEmpty(newEmail))
        {
            if (primaryEmail is not null)
            {
                db.CustomerEmails.Remove(primaryEmail);
            }
        }
        else if (primaryEmail is null)
        {
            customer.Emails.Add(new CustomerEmail { CustomerId = customer.Id, Address = newEmail, IsPrimary = true });
        }
        else
        {
            primaryEmail.Address = newEmail;
            primaryEmail.IsPrimary = true;
        }

        if (update.Address is { } corrected)
        {
            var primaryAddress = customer.Addresses.Find(a => a.IsPrimary) ?? customer.Addresses.FirstOrDefault();
            if (primaryAddress is null)
            {
                primaryAddress = new CustomerAddress { CustomerId = customer.Id };
                customer.Addresses.Add(primaryAddress);
            }
            primaryAddress.Kind = corrected.Kind;
            primaryAddress.Sido = corrected.Sido!.Trim();
            primaryAddress.Sigungu = corrected.Sigungu!.Trim();
            primaryAddress.Line = corrected.Line!.Trim();
            primaryAddress.PostalCode = string.IsNullOrWhiteSpace(corrected.PostalCode) ? null : corrected.PostalCode.Trim();
            primaryAddress.IsPrimary = true;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.Version).FirstOrDefaultAsync(ct);
            return EditResult.Conflict(current);
        }
        await log.RecordAsync(user, new AccessEvent(AccessAction.Change, customerId, reason, "contact"), ct);
        return EditResult.Saved(customer.Version);
    }

    /// <summary>Replaces masked phones and e-mail that match a stored value by that value.</summary>
    private static CustomerContactUpdate Unmasked(CustomerContactUpdate update, Customer customer)
    {
        var phones = update.Phones.Select(p =>
            p.Number?.Contains('*', StringComparison.Ordinal) == true
            && customer.Phones.Find(s => Masking.Phone(s.Number) == p.Number.Trim()) is { } stored
                ? p with { Number = stored.Number }
                : p).ToList();
        var email = update.Email?.Trim();
        if (email is not null && email.Contains('*', StringComparison.Ordinal)
            && customer.Emails.Find(e => Masking.Email(e.Address) == email) is { } storedEmail)
        {
            email = storedEmail.Address;
        }
        return update with { Phones = phones, Email = email };
    }
}
