using System.Text;
using InsureCrm.Core.Common;
using InsureCrm.Core.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InsureCrm.Core.Customers;

/// <summary>The identifiers besides the RRN that the law treats as unique identifying information.</summary>
public enum IdentifierKind { Passport, DriverLicence, BankAccount }

/// <summary>
/// A passport, driver-licence or bank-account number of a customer: AES-GCM ciphertext with its key id
/// (<see cref="Cipher"/>), a keyed hash of the normalised value for exact search (<see cref="Hash"/>), and
/// the display form (<see cref="Masked"/>). The plaintext is never stored.
/// </summary>
public sealed class CustomerIdentifier
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public IdentifierKind Kind { get; set; }
    public string Cipher { get; set; } = "";
    public string? Hash { get; set; }
    public string Masked { get; set; } = "";
    /// <summary>Three-digit Korean bank code (e.g. 088) of a bank account; null for other kinds.</summary>
    public string? BankCode { get; set; }
    public DateTime RecordedAt { get; set; }
}

internal sealed class CustomerIdentifierConfiguration : IEntityTypeConfiguration<CustomerIdentifier>
{
    public void Configure(EntityTypeBuilder<CustomerIdentifier> b)
    {
        b.Property(p => p.Cipher).HasMaxLength(120);
        b.Property(p => p.Hash).HasMaxLength(64);
        b.Property(p => p.Masked).HasMaxLength(30);
        b.Property(p => p.BankCode).HasMaxLength(3);
        b.HasIndex(p => p.CustomerId);
        b.HasIndex(p => p.Hash);
        b.HasOne<Customer>().WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>An identifier in its normalised (stored-encrypted) and masked (displayed) forms.</summary>
public sealed record NormalisedIdentifier(IdentifierKind Kind, string Value, string Masked, string? BankCode);

/// <summary>A customer's identifier as shown: masked, never the plaintext.</summary>
public sealed record IdentifierView(long Id, IdentifierKind Kind, string Masked, string? BankCode, DateTime RecordedAt);

/// <summary>
/// Normalising, validating and masking of identifiers: passport M1234****, licence 11-22-******-**,
/// bank account 110-***-**4567 (first three and last four digits, the typed grouping kept).
/// </summary>
public static class IdentifierFormat
{
    public static bool TryNormalise(IdentifierKind kind, string? typed, string? bankCode, out NormalisedIdentifier? value, out string? error)
    {
        value = null;
        var text = new string((typed ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        switch (kind)
        {
            case IdentifierKind.Passport:
                var passport = text.Replace("-", "", StringComparison.Ordinal);
                if (passport.Length is < 8 or > 9 || !char.IsAsciiLetterUpper(passport[0]) || !passport.All(char.IsAsciiLetterOrDigit))
                {
                    error = "A passport number is a letter followed by 7 or 8 letters or digits (e.g. M12345678).";
                    return false;
                }
                value = new(kind, passport, passport[..5] + new string('*', passport.Length - 5), null);
                break;
            case IdentifierKind.DriverLicence:
                var licence = AsciiDigits.Of(text);
                if (licence.Length != 12 || text.Any(c => !(char.IsAsciiDigit(c) || c == '-')))
                {
                    error = "A driver-licence number has 12 digits (e.g. 11-22-333333-44).";
                    return false;
                }
                value = new(kind, licence, $"{licence[..2]}-{licence[2..4]}-******-**", null);
                break;
            case IdentifierKind.BankAccount:
                var account = AsciiDigits.Of(text);
                if (account.Length is < 10 or > 16 || text.Any(c => !(char.IsAsciiDigit(c) || c == '-')))
                {
                    error = "A bank-account number has 10 to 16 digits.";
                    return false;
                }
                if (bankCode is not { Length: 3 } || !bankCode.All(char.IsAsciiDigit))
                {
                    error = "A bank account needs its three-digit bank code (e.g. 088).";
                    return false;
                }
                value = new(kind, account, MaskAccount(text.Trim('-'), account.Length), bankCode);
                break;
            default:
                error = "Unknown identifier kind.";
                return false;
        }
        error = null;
        return true;
    }

    /// <summary>The keyed-hash input: the kind is part of it so equal digits of different kinds never match.</summary>
    public static string HashInput(IdentifierKind kind, string normalised) =>
        kind.ToString().ToLowerInvariant() + ":" + normalised;


    private static string MaskAccount(string typed, int digitCount)
    {
        var sb = new StringBuilder(typed.Length);
        var index = 0;
        foreach (var c in typed)
        {
            if (!char.IsAsciiDigit(c))
            {
                sb.Append(c);
                continue;
            }
            sb.Append(index < 3 || index >= digitCount - 4 ? c : '*');
            index++;
        }
        return sb.ToString();
    }
}

/// <summary>Adds, lists (masked) and finds customers by their encrypted identifiers.</summary>
public sealed class CustomerIdentifiers(CrmDbContext db, FieldProtector protector, TimeProvider clock)
{
    /// <summary>Adds an identifier; null and an error when it is not well-formed or the customer is unknown.</summary>
    public async Task<(IdentifierView? Added, string? Error)> AddAsync(long customerId, IdentifierKind kind, string value, string? bankCode = null,
        CancellationToken ct = default)
    {
        if (!IdentifierFormat.TryNormalise(kind, value, bankCode, out var normalised, out var error))
        {
            return (null, error);
        }
        if (!await db.Customers.AnyAsync(c => c.Id == customerId && c.MergedIntoId == null, ct))
        {
            return (null, "No such customer.");
        }
        var row = new CustomerIdentifier
        {
            CustomerId = customerId,
            Kind = kind,
            Cipher = protector.Encrypt(normalised!.Value),
            Hash = protector.Hash(IdentifierFormat.HashInput(kind, normalised.Value)),
            Masked = normalised.Masked,
            BankCode = normalised.BankCode,
            RecordedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Set<CustomerIdentifier>().Add(row);
        await db.SaveChangesAsync(ct);
        return (ToView(row), null);
    }

    public async Task<IReadOnlyList<IdentifierView>> ListAsync(long customerId, CancellationToken ct = default) =>
        [.. (await db.Set<CustomerIdentifier>().AsNoTracking().Where(i => i.CustomerId == customerId)
            .OrderBy(i => i.Kind).ThenBy(i => i.Id).ToListAsync(ct)).Select(ToView)];

    /// <summary>Customers holding exactly this identifier (by keyed hash; nothing is decrypted).</summary>
    public async Task<IReadOnlyList<long>> FindCustomersAsync(IdentifierKind kind, string value, CancellationToken ct = default)
    {
        if (!IdentifierFormat.TryNormalise(kind, value, kind == IdentifierKind.BankAccount ? "000" : null, out var normalised, out _))
        {
            return [];
        }
        var hash = protector.Hash(IdentifierFormat.HashInput(kind, normalised!.Value));
        return await db.Set<CustomerIdentifier>().AsNoTracking()
            .Where(i => i.Hash == hash && i.Kind == kind)
            .Select(i => i.CustomerId).Distinct().OrderBy(i => i).ToListAsync(ct);
    }

    internal static IdentifierView ToView(CustomerIdentifier i) => new(i.Id, i.Kind, i.Masked, i.BankCode, i.RecordedAt);
}
