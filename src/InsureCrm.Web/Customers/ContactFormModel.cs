using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;

namespace InsureCrm.Web.Customers;

/// <summary>
/// The contact form of the customer page: one phone per kind, the primary kind, and the fields of
/// <see cref="CustomerContactUpdate"/>. Further phones of a kind are kept as they are. Stored phones and
/// the e-mail are shown masked; a field left in its masked form keeps the stored value (Core maps it back).
/// </summary>
internal sealed class ContactFormModel
{
    public int Version { get; set; }
    public string? Mobile { get; set; }
    public string? Home { get; set; }
    public string? Work { get; set; }
    public PhoneKind PrimaryKind { get; set; } = PhoneKind.Mobile;
    public string? Email { get; set; }
    public ContactChannel? PreferredChannel { get; set; }
    public ContactTime PreferredContactTime { get; set; }
    public string? Occupation { get; set; }

    public static ContactFormModel From(CustomerPageView view)
    {
        var phones = view.Contact.Phones;
        return new ContactFormModel
        {
            Version = view.Identity.Version,
            Mobile = First(phones, PhoneKind.Mobile),
            Home = First(phones, PhoneKind.Home),
            Work = First(phones, PhoneKind.Work),
            PrimaryKind = phones.FirstOrDefault(p => p.IsPrimary)?.Kind ?? PhoneKind.Mobile,
            Email = view.Contact.Emails.FirstOrDefault(e => e.IsPrimary)?.Masked ?? (view.Contact.Emails.Count > 0 ? view.Contact.Emails[0].Masked : null),
            PreferredChannel = view.Identity.PreferredChannel,
            PreferredContactTime = view.Identity.PreferredContactTime,
            Occupation = view.Identity.Occupation,
        };
    }

    /// <summary>The update to send, and for each phone in it the form field it came from (for error messages).</summary>
    public (CustomerContactUpdate Update, string?[] PhoneFields) ToUpdate(CustomerPageView current)
    {
        var phones = new List<PhoneInput>();
        var fields = new List<string?>();
        void Add(PhoneKind kind, string? number, string field)
        {
            if (!string.IsNullOrWhiteSpace(number))
            {
                phones.Add(new PhoneInput(kind, number.Trim(), kind == PrimaryKind));
                fields.Add(field);
            }
        }
        Add(PhoneKind.Mobile, Mobile, nameof(Mobile));
        Add(PhoneKind.Home, Home, nameof(Home));
        Add(PhoneKind.Work, Work, nameof(Work));
        // Phones the form does not show (a second mobile, say) stay as they are.
        foreach (var kind in Enum.GetValues<PhoneKind>())
        {
            foreach (var extra in current.Contact.Phones.Where(p => p.Kind == kind).Skip(1))
            {
                phones.Add(new PhoneInput(kind, extra.Masked, false));
                fields.Add(null);
            }
        }
        if (!phones.Exists(p => p.IsPrimary) && phones.Count > 0)
        {
            phones[0] = phones[0] with { IsPrimary = true };
        }
        return (new CustomerContactUpdate(Version, phones, Email, PreferredChannel, PreferredContactTime, Occupation), [.. fields]);
    }

    private static string? First(IReadOnlyList<PhoneView> phones, PhoneKind kind) =>
        phones.FirstOrDefault(p => p.Kind == kind)?.Masked;
}
