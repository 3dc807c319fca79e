"""What the generator needs of each zone: its catalogue, and sites spread over its area."""
from dataclasses import dataclass

from shapely import prepare
from shapely.geometry import Point, shape


@dataclass
class GeneratedZone:
    id: int
    instruments: list
    categories: list
    exemptions: list  # [(id, code)]
    area: object  # the zone's boundary as a prepared shapely geometry, or None

    @classmethod
    def of(cls, zone):
        area = shape(zone.boundary_geojson) if zone.boundary_geojson else None
        if area is not None:
            prepare(area)
        return cls(
            zone.id,
            list(zone.instruments or []),
            list(zone.categories or []),
            sorted((e.id, e.code) for e in zone.exemption_types),
            area,
        )

    def site(self, rng):
        """A point inside the zone, spread over it as real trial sites are (so clash checks see
        realistic neighbourhoods, not every file of a zone on one spot)."""
        if self.area is None:
            return None
        west, south, east, north = self.area.bounds
        for _ in range(100):
            point = Point(rng.uniform(west, east), rng.uniform(south, north))
            if self.area.contains(point):
                break
        else:
            point = self.area.representative_point()
        return {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]}
