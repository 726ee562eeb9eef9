//! The 3 × 3 table of publish QoS against granted subscription QoS, filled in from what was
//! observed: the classic explanation of the QoS downgrade, min(publish, granted), checked live.

use super::deliveries::DeliveryRow;
use super::event::FlowId;
use crate::codec::QoS;

/// What was observed for one (publish QoS, granted QoS) pair.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixCell {
    /// Messages seen per delivered QoS (index = QoS).
    pub delivered: [usize; 3],
    /// How many of them arrived at another QoS than expected.
    pub mismatches: usize,
    /// A subscriber flow to show for this cell: the latest mismatch if any, else the latest.
    pub example: Option<FlowId>,
}

/// The delivered QoS seen in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    /// Nothing yet.
    Nothing,
    /// Every message arrived at this QoS.
    Delivered(QoS),
    /// Messages arrived at different QoS levels.
    Conflicting,
}

impl MatrixCell {
    /// Messages seen.
    pub fn count(&self) -> usize {
        self.delivered.iter().sum()
    }

    /// The delivered QoS, if the observations agree.
    pub fn observed(&self) -> Observed {
        let mut seen = self.delivered_levels();
        match (seen.next(), seen.next()) {
            (None, _) => Observed::Nothing,
            (Some(qos), None) => Observed::Delivered(qos),
            (Some(_), Some(_)) => Observed::Conflicting,
        }
    }

    /// The delivered QoS levels seen, lowest first.
    pub fn delivered_levels(&self) -> impl Iterator<Item = QoS> + '_ {
        QoS::ALL
            .into_iter()
            .filter(|qos| self.delivered[usize::from(qos.as_u8())] > 0)
    }
}

/// Publish QoS × granted QoS → what arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QosMatrix {
    cells: [[MatrixCell; 3]; 3],
}

impl QosMatrix {
    /// The matrix of the rows whose publish and granted QoS are known.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = &'a DeliveryRow>) -> QosMatrix {
        let mut matrix = QosMatrix::default();
        for row in rows {
            let (Some(publish), Some(granted)) = (row.publish_qos, row.granted_qos) else {
                continue;
            };
            let cell =
                &mut matrix.cells[usize::from(publish.as_u8())][usize::from(granted.as_u8())];
            cell.delivered[usize::from(row.delivered_qos.as_u8())] += 1;
            if row.mismatch {
                cell.mismatches += 1;
                cell.example = Some(row.flow);
            } else if cell.mismatches == 0 {
                cell.example = Some(row.flow);
            }
        }
        matrix
    }

    /// One cell.
    pub fn cell(&self, publish: QoS, granted: QoS) -> &MatrixCell {
        &self.cells[usize::from(publish.as_u8())][usize::from(granted.as_u8())]
    }

    /// How many of the nine cells have an observation.
    pub fn filled(&self) -> usize {
        self.cells
            .iter()
            .flatten()
            .filter(|cell| cell.count() > 0)
            .count()
    }
}
