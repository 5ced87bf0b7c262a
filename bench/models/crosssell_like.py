# A cross-sell-like data set: 45,000 rows, the columns of the public cross-sell file, labels from a known rule plus noise.
import random, math, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 45000
rnd = random.Random(20261203)
print("id,Gender,Age,Driving_License,Region_Code,Previously_Insured,Vehicle_Age,Vehicle_Damage,Annual_Premium,Policy_Sales_Channel,Vintage,Response")
for i in range(1, n + 1):
    g = rnd.choice(["Male", "Female"]); age = rnd.randint(20, 85); dl = 1 if rnd.random() < 0.998 else 0
    region = float(rnd.randint(0, 52)); prev = 1 if rnd.random() < 0.46 else 0
    va = rnd.choices(["< 1 Year", "1-2 Year", "> 2 Years"], [0.43, 0.53, 0.04])[0]
    dmg = "No" if prev and rnd.random() < 0.95 else rnd.choice(["Yes", "Yes", "No"])
    prem = round(max(2630.0, rnd.gauss(30500, 17000)), 1); ch = float(rnd.choice([26, 124, 152, 160, 156, 122, 157, 154, 151, 163] + list(range(1, 164, 7))))
    vin = rnd.randint(10, 299)
    z = -2.6 - 3.2 * prev + 1.9 * (dmg == "Yes") + 0.45 * (va == "> 2 Years") - 0.012 * abs(age - 43) + 0.00000 * prem \
        + 0.35 * (ch in (26.0, 124.0)) - 0.6 * (ch == 152.0) + 0.25 * (region in (28.0, 8.0, 41.0)) + 0.5 * math.sin(age / 7.0) * (dmg == "Yes")
    y = 1 if rnd.random() < 1 / (1 + math.exp(-z)) else 0
    print(f"{i},{g},{age},{dl},{region},{prev},{va},{dmg},{prem},{ch},{vin},{y}")
