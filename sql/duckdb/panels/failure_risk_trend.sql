-- Panel failure_risk_trend: is the plant's failure risk rising?
-- Grain: one row per prediction_date of gold_failure_predictions in the selected dates (and device):
-- the mean and the highest failure_risk_score over the devices, and which device has the highest.
-- Parameters: $from_date, $to_date, $device ('' = every device).
with ranked as (
  select
    prediction_date,
    device_id,
    failure_risk_score,
    row_number() over (partition by prediction_date order by failure_risk_score desc, device_id) as rank
  from gold_failure_predictions
  where prediction_date between cast($from_date as date) and cast($to_date as date)
    and ($device = '' or device_id = $device)
)
select
  prediction_date,
  round(avg(failure_risk_score), 4) as avg_risk,
  round(max(failure_risk_score), 4) as max_risk,
  max(case when rank = 1 then device_id end) as riskiest_device
from ranked
group by prediction_date
order by prediction_date
