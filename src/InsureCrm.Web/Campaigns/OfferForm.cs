using System.Globalization;
using InsureCrm.Core.Campaigns;
using InsureCrm.Core.Policies;

namespace InsureCrm.Web.Campaigns;

/// <summary>
/// The offer form of <c>/campaigns/offers</c>, kept as typed: a blank cost stays blank and goes to Core as "no cost",
/// which Core refuses (0 is a free offer).
/// </summary>
internal sealed class OfferForm
{
    public static readonly string[] Fields = ["code", "name", "productFamily", "cost", "costBasis", "currency", "active"];

    public string? Id { get; set; }
    public string? Version { get; set; }
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? Family { get; set; }
    public string? Cost { get; set; }
    public CostBasis CostBasis { get; set; } = CostBasis.PerContact;
    public string? Currency { get; set; } = "KRW";
    // False unless ticked: an unticked box posts nothing.
    public bool Active { get; set; }

    public static OfferForm New() => new() { Active = true };

    public static OfferForm From(OfferView offer) => new()
    {
        Id = offer.Id.ToString(CultureInfo.InvariantCulture),
        Version = offer.Version.ToString(CultureInfo.InvariantCulture),
        Code = offer.Code,
        Name = offer.Name,
        Family = offer.ProductFamily?.ToString(),
        Cost = offer.Cost.ToString(CultureInfo.InvariantCulture),
        CostBasis = offer.CostBasis,
        Currency = offer.Currency,
        Active = offer.Active,
    };

    public long? OfferId => long.TryParse(Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public int? OfferVersion => int.TryParse(Version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>Core's draft, or null with a family or cost that is not one named in <paramref name="errors"/>.</summary>
    public OfferDraft? ToDraft(CampaignErrors errors)
    {
        ProductFamily? family = null;
        if (!string.IsNullOrWhiteSpace(Family))
        {
            if (Enum.TryParse<ProductFamily>(Family, ignoreCase: false, out var f) && Enum.IsDefined(f))
            {
                family = f;
            }
            else
            {
                errors.Add("productFamily", "productFamily.unknown", Family);
            }
        }
        decimal? cost = null;
        if (!string.IsNullOrWhiteSpace(Cost))
        {
            if (decimal.TryParse(Cost.Trim().Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var c))
            {
                cost = c;
            }
            else
            {
                errors.Add("cost", "form.notNumber", Cost);
            }
        }
        return errors.Count > 0 ? null : new OfferDraft((Code ?? "").Trim(), (Name ?? "").Trim(), family, cost, CostBasis, (Currency ?? "").Trim(), Active);
    }
}
