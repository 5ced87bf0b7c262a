// CPU milliseconds per phase of `model train --treatment` and `model score`, in-process over InsureCrm.Analytics (issue 13
// round 2, bench/findings/2026-12-04-issue13-round2.md): rep 0 is cold, as in a CLI process. Takes the old path of
// reading the treatment column in a pass of its own, as the CLI did before 2e156de.
//   DOTNET_PROCESSOR_COUNT=1 dotnet run bench/uplift/phases.cs -c Release -- TRAIN.csv TEST.csv TREATMENT TARGET ID APPROACH CLASSIFIER REPS
#:project ../../src/InsureCrm.Analytics/InsureCrm.Analytics.csproj
#:property TieredPGO=false
#:property ConcurrentGarbageCollection=false
using System.Diagnostics;
using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Uplift;

var (train, test, treatmentCol, target, id, alg, clf) = (args[0], args[1], args[2], args[3], args[4], args[5], args[6]);
var reps = int.Parse(args[7], System.Globalization.CultureInfo.InvariantCulture);
for (var rep = 0; rep < reps; rep++)
{
    var proc = Process.GetCurrentProcess(); var sw = new CpuClock(proc);
    var t0 = sw.Elapsed.TotalMilliseconds;
    var treatment = UpliftCsv.ReadTreatment(train, treatmentCol);
    var t1 = sw.Elapsed.TotalMilliseconds;
    var csv = CsvTableReader.Read(train, new CsvTrainingOptions { Target = target, Id = id, Ignore = [treatmentCol] });
    var labels = csv.LabelArray();
    var t2 = sw.Elapsed.TotalMilliseconds;
    var trained = UpliftTraining.Train(csv.Table, treatment, labels, new UpliftTrainingOptions { Algorithm = alg, Classifier = clf, Validation = 0, Seed = 42 });
    var t3 = sw.Elapsed.TotalMilliseconds;
    var json = UpliftModelJson.Write(trained.Model);
    var model = UpliftModelJson.Read(json);
    var t4 = sw.Elapsed.TotalMilliseconds;
    var testCsv = CsvTableReader.Apply(test, csv.Schema, null);
    var t5 = sw.Elapsed.TotalMilliseconds;
    var u = model.PredictAll(testCsv.Table);
    var t6 = sw.Elapsed.TotalMilliseconds;
    Console.WriteLine($"CPU rep {rep} {alg}/{clf}: readTreatment {t1-t0:F0} ms, readTrainCsv {t2-t1:F0} ms, train {t3-t2:F0} ms, json write+read {t4-t3:F0} ms, readTestCsv {t5-t4:F0} ms, score {t6-t5:F0} ms, total {t6-t0:F0} ms");
}

internal sealed class CpuClock(Process p)
{
    public CpuClock Elapsed => this;
    public double TotalMilliseconds { get { p.Refresh(); return p.TotalProcessorTime.TotalMilliseconds; } }
}
