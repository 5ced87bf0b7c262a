namespace InsureCrm.Core.Voc;

/// <summary>
/// Sets a case's SLA due times from its type and severity (<see cref="VocOptions.Targets"/>) in business hours, stops them while
/// waiting for the customer and starts them again on the reply. Due times are stored so that lists sort without computing and
/// the SLA run compares them set-based.
/// </summary>
public sealed class VocClock(BusinessHours hours, VocOptions options)
{
    /// <summary>Starts both clocks at <paramref name="startUtc"/>; a regulator referral's resolution is due on the regulator's deadline.</summary>
    public void Start(VocCase c, DateTime startUtc)
    {
        var target = options.TargetFor(c.Type, c.Severity);
        var first = (int)Math.Round(target.FirstResponseHours * 60);
        var resolution = (int)Math.Round(target.ResolutionHours * 60);
        c.FirstResponseDueAt = c.FirstRespondedAt is null ? hours.Add(startUtc, first) : c.FirstResponseDueAt;
        if (c.RegulatorDueAt is { } regulator)
        {
            c.ResolutionDueAt = regulator;
            var span = hours.Between(startUtc, regulator);
            c.WarnAt = hours.Add(startUtc, (int)Math.Floor(span * options.WarnShare));
        }
        else
        {
            c.ResolutionDueAt = hours.Add(startUtc, resolution);
            c.WarnAt = hours.Add(startUtc, (int)Math.Floor(resolution * options.WarnShare));
        }
    }

    /// <summary>Stops the clocks: keeps the business minutes left on each.</summary>
    public void Pause(VocCase c, DateTime nowUtc)
    {
        c.PausedAt = nowUtc;
        c.FirstResponseMinutesLeft = c.FirstRespondedAt is null && c.FirstResponseDueAt is { } f ? hours.Between(nowUtc, f) : null;
        c.ResolutionMinutesLeft = c.ResolutionDueAt is { } r ? hours.Between(nowUtc, r) : null;
        c.WarnMinutesLeft = c.WarnAt is { } w ? hours.Between(nowUtc, w) : null;
    }

    /// <summary>Starts the clocks again with the minutes they had left (a regulator's deadline does not move).</summary>
    public void Resume(VocCase c, DateTime nowUtc)
    {
        if (c.FirstResponseMinutesLeft is { } f)
        {
            c.FirstResponseDueAt = hours.Add(nowUtc, f);
        }
        if (c.RegulatorDueAt is null)
        {
            if (c.ResolutionMinutesLeft is { } r)
            {
                c.ResolutionDueAt = hours.Add(nowUtc, r);
            }
            if (c.WarnMinutesLeft is { } w)
            {
                c.WarnAt = hours.Add(nowUtc, w);
            }
        }
        c.PausedAt = null;
        c.FirstResponseMinutesLeft = c.ResolutionMinutesLeft = c.WarnMinutesLeft = null;
    }
}
