using InsureCrm.Core.Customers;
using InsureCrm.Core.Worklists.AgentDay;

namespace InsureCrm.Web.Worklists;

/// <summary>
/// The contact correction of an item page: the mobile, the e-mail and the primary address, sent through the customer's
/// versioned contact edit (<see cref="CustomerEdit.UpdateContactAsync"/>). Phones and e-mail are shown masked; a field
/// left masked keeps the stored value. Everything the form does not show (other phones, preferences) is sent as stored.
/// </summary>
internal sealed class ContactFixFormModel
{
    public int Version { get; set; }
    public string? Mobile { get; set; }
    public string? Email { get; set; }
    public string? Sido { get; set; }
    public string? Sigungu { get; set; }
    public string? Line { get; set; }
    public string? PostalCode { get; set; }

    public static ContactFixFormModel From(CustomerCard card) => new()
    {
        Version = card.Version,
        Mobile = card.Phones.FirstOrDefault(p => p.Kind == PhoneKind.Mobile)?.Masked,
        Email = card.EmailMasked,
        Sido = card.Address?.Sido,
        Sigungu = card.Address?.Sigungu,
        Line = card.Address?.Line,
        PostalCode = card.Address?.PostalCode,
    };

    public CustomerContactUpdate ToUpdate(CustomerCard card)
    {
        var phones = new List<PhoneInput>();
        var mobileDone = false;
        foreach (var p in card.Phones)
        {
            if (p.Kind == PhoneKind.Mobile && !mobileDone)
            {
                mobileDone = true;
                if (!string.IsNullOrWhiteSpace(Mobile))
                {
                    phones.Add(new PhoneInput(PhoneKind.Mobile, Mobile.Trim(), p.IsPrimary));
                }
                continue;
            }
            phones.Add(new PhoneInput(p.Kind, p.Masked, p.IsPrimary));
        }
        if (!mobileDone && !string.IsNullOrWhiteSpace(Mobile))
        {
            phones.Insert(0, new PhoneInput(PhoneKind.Mobile, Mobile.Trim(), phones.Count == 0));
        }
        var anyAddress = !string.IsNullOrWhiteSpace(Sido) || !string.IsNullOrWhiteSpace(Sigungu) || !string.IsNullOrWhiteSpace(Line);
        var address = anyAddress || card.Address is not null
            ? new AddressInput(card.Address?.Kind ?? AddressKind.Home, Sido, Sigungu, Line, PostalCode)
            : null;
        return new CustomerContactUpdate(Version, phones, Email, card.PreferredChannel, card.PreferredContactTime, card.Occupation, address);
    }
}
