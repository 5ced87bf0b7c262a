using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace InsureCrm.Core.Campaigns.Planning;

/// <summary>
/// Options of the P&amp;L simulation (<c>Campaigns:Simulation</c>): the response rate assumed when neither a champion
/// score nor the plan gives one. Read and checked when the first simulation is built.
/// </summary>
public sealed class SimulationOptions
{
    public const string Section = "Campaigns:Simulation";

    /// <summary>The control response rate assumed without a score or a planned rate, strictly between 0 and 1.</summary>
    public double DefaultBaselineRate { get; set; } = 0.01;

    /// <summary>The section's values over the defaults; throws naming the key when one is out of range.</summary>
    internal static SimulationOptions From(IConfiguration? configuration)
    {
        var options = new SimulationOptions();
        configuration?.GetSection(Section).Bind(options);
        if (options.DefaultBaselineRate is <= 0 or >= 1 || double.IsNaN(options.DefaultBaselineRate))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Section}:DefaultBaselineRate must be between 0 and 1 (exclusive); it is {options.DefaultBaselineRate}."));
        }
        return options;
    }
}
